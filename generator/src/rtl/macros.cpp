#include "zasgen/rtl/macros.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "zasgen/error.h"
#include "zasgen/rtl/ir.h"
#include "zasgen/util.h"

namespace zasgen::rtl {

const char* to_string(SramKind k) {
  return k == SramKind::OneRW ? "1rw" : "1r1w";
}

int SramGeometry::addr_bits() const {
  return std::max(1, clog2(depth));
}

std::string SramGeometry::module_name() const {
  return fmt::format("sram_{}_{}x{}", to_string(kind), depth, width);
}

const MacroEntry* MacroManifest::find(const std::string& module) const {
  for (const MacroEntry& e : macros)
    if (e.module == module) return &e;
  return nullptr;
}

std::string sim_state_register(const std::string& pattern, int index) {
  const size_t at = pattern.find("{}");
  if (at == std::string::npos) throw std::logic_error("sim_state pattern without {}: " + pattern);
  return pattern.substr(0, at) + std::to_string(index) + pattern.substr(at + 2);
}

int MacroManifest::instance_count() const {
  int n = 0;
  for (const MacroEntry& e : macros) n += int(e.instances.size());
  return n;
}

MacroManifest macro_manifest(const Design& d) {
  MacroManifest m;
  m.top = d.top;
  std::map<std::string, MacroEntry> by_module, files_by_module;
  std::function<void(const Module&, const std::string&)> walk = [&](const Module& mod,
                                                                    const std::string& prefix) {
    for (const Instance& i : mod.instances) {
      const Module* t = d.find(i.module);
      if (!t) continue;
      const std::string path = prefix.empty() ? i.name : prefix + "." + i.name;
      if (!t->clock_gate_enable.empty()) {
        const bool has_enable = std::any_of(t->nets.begin(), t->nets.end(), [&](const auto& n) {
          return n->name == t->clock_gate_enable;
        });
        if (!has_enable)
          throw std::logic_error("clock gate " + t->name + " has no register '" +
                                 t->clock_gate_enable + "'");
        m.clock_gates.push_back(
            {path, t->name, prefix, mod.name, path + "." + t->clock_gate_enable});
      }
      const std::optional<SramGeometry>& g = t->macro ? t->macro : t->register_file;
      if (g) {
        MacroEntry& e = (t->macro ? by_module : files_by_module)[t->name];
        e.geometry = *g;
        e.fields = t->macro ? 1 : t->register_file_fields;
        if (!t->macro) e.sim_state = t->sim_state;
        e.module = t->name;
        e.instances.push_back(path);
      }
      if (!t->macro) walk(*t, path);
    }
  };
  if (const Module* top = d.find(d.top)) walk(*top, "");
  auto sorted = [](std::map<std::string, MacroEntry>& entries) {
    std::vector<MacroEntry> v;
    for (auto& [name, e] : entries) {
      std::sort(e.instances.begin(), e.instances.end());
      v.push_back(std::move(e));
    }
    return v;
  };
  m.macros = sorted(by_module);
  m.register_files = sorted(files_by_module);
  std::sort(
      m.clock_gates.begin(), m.clock_gates.end(),
      [](const ClockGateEntry& a, const ClockGateEntry& b) { return a.instance < b.instance; });
  return m;
}

std::string manifest_json(const MacroManifest& m) {
  nlohmann::ordered_json j;
  j["format"] = "zasgen-macros";
  j["version"] = 1;
  j["top"] = m.top;
  auto entries = [](const std::vector<MacroEntry>& v, bool files) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const MacroEntry& e : v) {
      nlohmann::ordered_json o = {{"module", e.module},
                                  {"kind", to_string(e.geometry.kind)},
                                  {"depth", e.geometry.depth},
                                  {"width", e.geometry.width}};
      if (files) o["fields"] = e.fields;
      if (files && !e.sim_state.empty()) o["sim_state"] = e.sim_state;
      o["instances"] = e.instances;
      a.push_back(std::move(o));
    }
    return a;
  };
  j["macros"] = entries(m.macros, false);
  if (!m.clock_gates.empty()) {
    j["clock_gates"] = nlohmann::ordered_json::array();
    for (const ClockGateEntry& g : m.clock_gates)
      j["clock_gates"].push_back({{"instance", g.instance},
                                  {"module", g.module},
                                  {"block", g.block},
                                  {"block_module", g.block_module},
                                  {"enable", g.enable}});
  }
  if (!m.register_files.empty()) j["register_files"] = entries(m.register_files, true);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

MacroManifest parse_manifest_json(const std::string& text, const std::string& file) {
  auto bad = [&](const std::string& what) -> InputError {
    return InputError("macro-manifest", file, what,
                      "rtl/macros.json as `zasgen generate` writes it");
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("not JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("format", "") != "zasgen-macros" || j.value("version", 0) != 1)
    throw bad("not a version-1 zasgen-macros manifest");
  MacroManifest m;
  m.top = j.value("top", "");
  if (!j.contains("macros") || !j["macros"].is_array()) throw bad("no \"macros\" array");
  // Entries of "macros" and "register_files" share a shape.
  auto entries = [&](const nlohmann::json& a, const char* what, int min_depth) {
    std::vector<MacroEntry> v;
    for (const auto& e : a) {
      MacroEntry me;
      try {
        me.module = e.at("module").get<std::string>();
        const std::string kind = e.at("kind").get<std::string>();
        if (kind != "1rw" && kind != "1r1w") throw bad("kind '" + kind + "' is not 1rw or 1r1w");
        me.geometry.kind = kind == "1rw" ? SramKind::OneRW : SramKind::OneROneW;
        me.geometry.depth = e.at("depth").get<int>();
        me.geometry.width = e.at("width").get<int>();
        me.fields = e.value("fields", 1);
        me.sim_state = e.value("sim_state", std::map<std::string, std::string>{});
        me.instances = e.at("instances").get<std::vector<std::string>>();
      } catch (const nlohmann::json::exception& ex) {
        throw bad(fmt::format("malformed {} entry: {}", what, ex.what()));
      }
      if (me.geometry.depth < min_depth || me.geometry.width < 1)
        throw bad(fmt::format("{} {}: {}x{} is not a memory", what, me.module, me.geometry.depth,
                              me.geometry.width));
      if (me.fields < 1 || me.geometry.width % me.fields != 0)
        throw bad(fmt::format("{} {}: {} fields do not divide a word of {} bits", what, me.module,
                              me.fields, me.geometry.width));
      for (const auto& [var, reg] : me.sim_state)
        if (var.empty() || reg.find("{}") == std::string::npos)
          throw bad(
              fmt::format("{} {}: sim_state \"{}\": \"{}\" names no register per index "
                          "(no {{}})",
                          what, me.module, var, reg));
      v.push_back(std::move(me));
    }
    return v;
  };
  m.macros = entries(j["macros"], "macro", 2);
  if (j.contains("register_files")) {
    if (!j["register_files"].is_array()) throw bad("\"register_files\" is not an array");
    m.register_files = entries(j["register_files"], "register file", 1);
  }
  if (j.contains("clock_gates")) {
    if (!j["clock_gates"].is_array()) throw bad("\"clock_gates\" is not an array");
    for (const auto& e : j["clock_gates"]) {
      ClockGateEntry g;
      try {
        g.instance = e.at("instance").get<std::string>();
        g.module = e.at("module").get<std::string>();
        g.block = e.at("block").get<std::string>();
        g.block_module = e.at("block_module").get<std::string>();
        g.enable = e.at("enable").get<std::string>();
      } catch (const nlohmann::json::exception& ex) {
        throw bad(std::string("malformed clock gate entry: ") + ex.what());
      }
      if (g.instance.empty() || g.module.empty() || g.block_module.empty() || g.enable.empty())
        throw bad("clock gate entry with an empty name");
      m.clock_gates.push_back(std::move(g));
    }
  }
  return m;
}

MacroManifest read_manifest(const std::string& rtl_dir) {
  const std::string path = (std::filesystem::path(rtl_dir) / "macros.json").string();
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("macro-manifest", path, "cannot read the macro manifest",
                     "a folder written by `zasgen generate`");
  std::ostringstream s;
  s << in.rdbuf();
  return parse_manifest_json(s.str(), path);
}

}  // namespace zasgen::rtl
