#include "zasgen/activity.h"

#include <nlohmann/json.hpp>

#include "zasgen/error.h"

namespace zasgen {

namespace {

constexpr const char* kFormat = "zasgen-activity";

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  throw InputError("activity-file", file, what,
                   "a zasgen-activity JSON file (flow/README.md, \"Activity files\")");
}

uint64_t count(const nlohmann::json& j, const char* key, const std::string& file,
               const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned())
    bad(file, where + ": '" + key + "' must be a non-negative integer");
  return it->get<uint64_t>();
}

}  // namespace

std::string activity_json(const SwitchingActivity& a) {
  // Sorted keys (std::map objects): inserting into an insertion-ordered object searches it
  // linearly, and a design with register-file partial sums has tens of thousands of nets.
  nlohmann::json j;
  j["format"] = kFormat;
  j["version"] = 1;
  j["design"] = a.design;
  j["source"] = a.source;
  j["cycles"] = a.cycles;
  nlohmann::json& nets = j["nets"] = nlohmann::json::object();
  for (const auto& [name, n] : a.nets) {
    nlohmann::json e = {{"toggles", n.toggles}};
    if (n.high) e["high"] = *n.high;
    if (n.bits != 1) e["bits"] = n.bits;
    nets.emplace(name, std::move(e));
  }
  nlohmann::json& macros = j["macros"] = nlohmann::json::object();
  for (const auto& [name, m] : a.macros) macros[name] = {{"reads", m.reads}, {"writes", m.writes}};
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

SwitchingActivity parse_activity_json(const std::string& text, const std::string& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    bad(file, std::string("not JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("format", "") != kFormat)
    bad(file, "no \"format\": \"zasgen-activity\"");
  if (j.value("version", 0) != 1) bad(file, "unsupported version (this zasgen reads version 1)");
  SwitchingActivity a;
  a.design = j.value("design", "");
  a.source = j.value("source", "");
  a.cycles = count(j, "cycles", file, "top level");
  if (a.cycles == 0) bad(file, "\"cycles\" must be positive");
  if (j.contains("nets")) {
    if (!j["nets"].is_object()) bad(file, "\"nets\" must be an object");
    for (const auto& [name, e] : j["nets"].items()) {
      if (!e.is_object()) bad(file, "net " + name + ": must be an object");
      NetCounts n;
      n.toggles = count(e, "toggles", file, "net " + name);
      if (e.contains("high")) n.high = count(e, "high", file, "net " + name);
      if (e.contains("bits")) {
        const uint64_t b = count(e, "bits", file, "net " + name);
        if (b < 1 || b > 1u << 20) bad(file, "net " + name + ": 'bits' out of range 1 .. 2^20");
        n.bits = int(b);
      }
      a.nets[name] = n;
    }
  }
  if (j.contains("macros")) {
    if (!j["macros"].is_object()) bad(file, "\"macros\" must be an object");
    for (const auto& [name, e] : j["macros"].items()) {
      if (!e.is_object()) bad(file, "macro " + name + ": must be an object");
      a.macros[name] = {count(e, "reads", file, "macro " + name),
                        count(e, "writes", file, "macro " + name)};
    }
  }
  return a;
}

}  // namespace zasgen
