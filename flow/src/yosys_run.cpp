// The Yosys half of the driver: the synthesis script, the ABC script, and the area report
// (Yosys 0.23 `stat -json` has no area, so area comes from per-module cell counts times the
// liberty cell areas, accumulated through the hierarchy by instance counts).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include "flow_internal.h"
#include "process.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/liberty.h"
#include "zasgen/util.h"

namespace zasgen::flow::detail {

using Code = FlowError::Code;
namespace fs = std::filesystem;

std::string abc_script() {
  // Yosys' default -liberty script with -constr, except `buffer -p` (buffer with sizing):
  // `abc -D` alone neither buffers high-fanout nets nor sizes gates (measured with Yosys 0.23:
  // flow/README.md, "Synthesis"). SAT sweeping (`&fraig -x`) stops proving a pair of nodes
  // after 10,000 conflicts instead of ABC's 1,000,000: on one requantiser's multiplier it
  // spent 220 s on pairs it did not merge (1.2 s with the limit, the same AIG size), while
  // default.yaml's netlist is byte-identical with the limit (flow/README.md, "Synthesis").
  return "strash; &get -n; &fraig -x -C 10000; &put; scorr; dc2; dretime; strash; &get -n; "
         "&dch -f; &nf {D}; &put; buffer -p; upsize {D}; dnsize {D}; stime -p\n";
}

std::string abc_constraints(const SynthJob& job) {
  std::ostringstream s;
  s << "set_driving_cell " << job.cells.driving_cell << "\n";
  s << "set_load " << job.cells.output_load_ff * 1e-3 << "\n";  // library units: pF
  return s.str();
}

namespace {

std::string q(const std::string& path) {
  return "\"" + path + "\"";
}

}  // namespace

std::string yosys_script(const SynthJob& job, const JobFiles& f) {
  const long period_ps = std::lround(job.clock_period_ns * 1000.0);
  std::ostringstream s;
  s << "# zasgen synthesis script (generated). Each label starts a stage; a range can be\n"
       "# rerun with `yosys -p 'script synth.ys <from>:<to>'`.\n";
  s << "read:\n";
  const char* sv = job.systemverilog ? "-sv " : "";
  for (const auto& v : f.verilog) s << "  read_verilog " << sv << "-D SYNTHESIS " << q(v) << "\n";
  // Macros are blackboxes from the macro liberty; drop behavioural models of them that came
  // with the sources (a simulation filelist usually has them).
  for (const rtl::MacroEntry& m : job.macros.macros) s << "  delete " << m.module << "\n";
  if (!f.macro_liberty.empty()) s << "  read_liberty -lib " << q(f.macro_liberty) << "\n";
  // The standard cells too, as blackboxes, so `check` knows the mapped cells' port directions.
  s << "  read_liberty -lib " << q(f.liberty) << "\n";
  s << "elaborate:\n";
  s << "  hierarchy -check -top " << job.top << "\n";
  s << "coarse:\n";
  // No -flatten: area by module needs the hierarchy. -noabc: `synth`'s own `abc -fast` and the
  // `opt` after it only pre-map what the liberty mapping below maps again from an AIG; without
  // them Yosys takes a fifth less time for the same area within 0.01% (flow/README.md,
  // "Synthesis").
  s << "  synth -top " << job.top << " -noabc\n";
  s << "map_flops:\n";
  s << "  dfflibmap -liberty " << q(f.liberty) << "\n";
  s << "map_logic:\n";
  s << "  abc -liberty " << q(f.liberty) << " -script abc.script -constr abc.constr -D "
    << period_ps << "\n";
  s << "  opt_clean\n";
  s << "tie_and_buffer:\n";
  if (!job.cells.tie_hi.empty())
    s << "  hilomap -singleton -hicell " << job.cells.tie_hi << " " << job.cells.tie_pin
      << " -locell " << job.cells.tie_lo << " " << job.cells.tie_pin << "\n";
  // Net aliases would become `assign` statements; a buffer keeps the netlist purely structural.
  s << "  insbuf -buf " << job.cells.buffer << " " << job.cells.buffer_in << " "
    << job.cells.buffer_out << "\n";
  s << "  opt_clean -purge\n";
  s << "checks:\n";
  s << "  check -assert\n";
  s << "  select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$_DLATCH_* t:$_DLATCHSR_* "
       "t:$sr t:$_SR_*\n";
  s << "  select -assert-none t:$*\n";  // every cell mapped to the library
  s << "report:\n";
  s << "  tee -q -o stat.txt stat -top " << job.top << " -liberty " << q(f.liberty);
  if (!f.macro_liberty.empty()) s << " -liberty " << q(f.macro_liberty);
  s << "\n";
  // No -top: Yosys 0.23 prints the hierarchy summary of `stat -json -top` as plain text inside
  // the JSON; the hierarchy is accumulated here instead (compute_areas).
  s << "  tee -q -o stat.json stat -json\n";
  s << "write:\n";
  s << "  write_verilog -noattr netlist.v\n";
  return s.str();
}

StatCounts parse_stat_json(const std::string& path) {
  const std::string text = read_text(path);
  // Yosys 0.23 does not always print valid JSON here (a trailing comma after "modules", or,
  // with -top, a plain-text hierarchy summary), so only the "modules" object is parsed: it is
  // cut out by matching braces.
  const size_t key = text.find("\"modules\"");
  const size_t open = key == std::string::npos ? key : text.find('{', key);
  if (open == std::string::npos)
    throw FlowError(Code::ResultParse, path, "no \"modules\" object in Yosys stat output");
  size_t close = open;
  int depth = 0;
  bool in_string = false;
  for (; close < text.size(); ++close) {
    const char ch = text[close];
    if (in_string) {
      if (ch == '\\')
        ++close;
      else if (ch == '"')
        in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{') {
      ++depth;
    } else if (ch == '}' && --depth == 0) {
      break;
    }
  }
  if (close >= text.size())
    throw FlowError(Code::ResultParse, path, "unterminated \"modules\" object in stat output");
  nlohmann::json j;
  try {
    j["modules"] = nlohmann::json::parse(text.substr(open, close - open + 1));
  } catch (const nlohmann::json::exception& e) {
    throw FlowError(Code::ResultParse, path, std::string("bad JSON from stat -json: ") + e.what());
  }
  if (!j.contains("modules") || !j["modules"].is_object())
    throw FlowError(Code::ResultParse, path, "stat -json output has no modules");
  StatCounts out;
  for (const auto& [raw, m] : j["modules"].items()) {
    // Yosys prints public names with their RTLIL backslash.
    const std::string name = !raw.empty() && raw[0] == '\\' ? raw.substr(1) : raw;
    auto& counts = out[name];
    if (m.contains("num_cells_by_type"))
      for (const auto& [type, n] : m["num_cells_by_type"].items()) {
        const std::string t = !type.empty() && type[0] == '\\' ? type.substr(1) : type;
        counts[t] += n.get<int64_t>();
      }
  }
  return out;
}

void compute_areas(const StatCounts& stat, const std::string& top,
                   const std::vector<const LibInfo*>& libs, const rtl::MacroManifest& macros,
                   SynthResult& r) {
  std::set<std::string> macro_set;
  for (const rtl::MacroEntry& m : macros.macros) macro_set.insert(m.module);
  auto lib_cell = [&](const std::string& type) -> const LibCellInfo* {
    for (const LibInfo* l : libs)
      if (auto it = l->cells.find(type); it != l->cells.end()) return &it->second;
    return nullptr;
  };
  if (!stat.count(top))
    throw FlowError(Code::ResultParse, "stat.json", "top module '" + top + "' not in stat output");

  // Own area of each module, and one instance's total through its submodules.
  std::map<std::string, ModuleArea> mods;
  for (const auto& [name, counts] : stat) {
    ModuleArea& m = mods[name];
    m.module = name;
    m.cell_counts = counts;
    for (const auto& [type, n] : counts) {
      if (stat.count(type)) continue;  // a submodule
      const LibCellInfo* c = lib_cell(type);
      if (!c)
        throw FlowError(Code::ResultParse, "stat.json",
                        "module " + name + " has cells of type '" + type +
                            "', which is neither a module nor a library cell");
      if (macro_set.count(type)) {
        m.own_macro_um2 += double(n) * c->area;
      } else {
        m.own_cells += n;
        m.own_logic_um2 += double(n) * c->area;
      }
    }
  }
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::function<double(const std::string&)> total = [&](const std::string& name) -> double {
    ModuleArea& m = mods.at(name);
    if (state[name] == 2) return m.total_um2;
    if (state[name] == 1)
      throw FlowError(Code::ResultParse, "stat.json", "recursive module hierarchy at " + name);
    state[name] = 1;
    double t = m.own_logic_um2 + m.own_macro_um2;
    for (const auto& [type, n] : m.cell_counts)
      if (stat.count(type)) t += double(n) * total(type);
    m.total_um2 = t;
    state[name] = 2;
    return t;
  };
  total(top);

  // Instance counts through the hierarchy (a module may appear under several parents).
  std::function<void(const std::string&, int64_t)> count = [&](const std::string& name,
                                                               int64_t times) {
    ModuleArea& m = mods.at(name);
    m.instances += times;
    for (const auto& [type, n] : m.cell_counts) {
      if (stat.count(type)) {
        count(type, times * n);
      } else {
        r.cell_counts[type] += times * n;
        const LibCellInfo* c = lib_cell(type);
        if (macro_set.count(type)) {
          r.macro_area_um2 += double(times * n) * c->area;
          r.macro_count += times * n;
        } else {
          r.logic_area_um2 += double(times * n) * c->area;
          r.cell_count += times * n;
          if (c->sequential) r.flop_count += times * n;
        }
      }
    }
  };
  count(top, 1);
  r.total_area_um2 = r.logic_area_um2 + r.macro_area_um2;
  for (auto& [name, m] : mods)
    if (m.instances > 0) r.modules.push_back(m);
}

namespace {

// "Chip area for top module '\mac_top': 4291.877800" (or "for module" when flat).
double parse_stat_area(const std::string& path, const std::string& top) {
  std::istringstream in(read_text(path));
  std::string line;
  double area = -1;
  while (std::getline(in, line)) {
    const bool top_line = line.find("Chip area for top module") != std::string::npos;
    const bool mod_line = line.find("Chip area for module '\\" + top + "'") != std::string::npos;
    if (top_line || (mod_line && area < 0)) {
      const size_t colon = line.rfind(':');
      area = std::strtod(line.c_str() + colon + 1, nullptr);
    }
  }
  if (area < 0) throw FlowError(Code::ResultParse, path, "no chip area in Yosys stat output");
  return area;
}

}  // namespace

namespace {

// What Yosys writes that the rest of the flow reads, kept in the netlist cache.
const char* const kCachedOutputs[] = {"netlist.v", "stat.json", "stat.txt", "yosys.log"};

// The cache key: the script with the file names masked (the same design synthesized from
// another folder hits), every byte it reads, and Yosys's version.
std::string netlist_key(const SynthJob& job, const JobFiles& f) {
  JobFiles masked = f;
  for (size_t i = 0; i < masked.verilog.size(); ++i) masked.verilog[i] = "src" + std::to_string(i);
  masked.liberty = "std.lib";
  if (!masked.macro_liberty.empty()) masked.macro_liberty = "macro.lib";
  std::string key =
      "zasgen netlist 1\n" + yosys_script(job, masked) + abc_script() + abc_constraints(job);
  for (const std::string& v : job.verilog_files) key += "\n" + read_text(v);
  key += "\n" + read_text(job.liberty) + "\n" + read_text(job.macro_liberty);
  const std::string version_log = f.out_dir + "/yosys_version.txt";
  const ToolRun v = run_tool("yosys", {job.tools.yosys, "-V"}, f.out_dir, version_log, 60);
  if (v.exit_code != 0) return "";  // no version, no reuse
  key += "\n" + read_text(version_log);
  return fmt::format("{:016x}", fnv1a(key));
}

bool copy_outputs(const fs::path& from, const fs::path& to) {
  for (const char* name : kCachedOutputs)
    if (!fs::is_regular_file(from / name)) return false;
  for (const char* name : kCachedOutputs)
    write_file_atomic((to / name).string(), read_text((from / name).string()));
  return true;
}

// Into <cache>/<key>/ through a private folder and a rename: a reader never sees half of it.
void store_outputs(const fs::path& dir, const fs::path& cache, const std::string& key) {
  std::error_code ec;
  const fs::path tmp = cache / ("." + key + ".new-" + std::to_string(::getpid()));
  fs::create_directories(tmp, ec);
  if (ec) return;  // the cache is an optimisation: a read-only cache only costs time
  for (const char* name : kCachedOutputs)
    fs::copy_file(dir / name, tmp / name, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, cache / key, ec);
  if (ec) fs::remove_all(tmp, ec);
}

}  // namespace

namespace {

// Area and cell counts from Yosys's outputs in `dir` (written by it or copied from the cache).
void read_outputs(const SynthJob& job, const std::string& dir,
                  const std::vector<const LibInfo*>& libs, SynthResult& r) {
  r.stat_json = dir + "/stat.json";
  r.stat_text = dir + "/stat.txt";
  r.netlist = dir + "/netlist.v";
  compute_areas(parse_stat_json(r.stat_json), job.top, libs, job.macros, r);
  r.yosys_reported_area_um2 = parse_stat_area(r.stat_text, job.top);
  // Our accumulation and Yosys' own `stat -liberty` must agree, or one of them misread the
  // hierarchy; better no result than a wrong one.
  const double diff = std::fabs(r.total_area_um2 - r.yosys_reported_area_um2);
  if (diff > 1e-6 * std::max(1.0, r.total_area_um2) + 1e-3)
    throw FlowError(Code::ResultParse, r.stat_text,
                    "area by module sums to " + std::to_string(r.total_area_um2) +
                        " um2 but Yosys reports " + std::to_string(r.yosys_reported_area_um2));
}

}  // namespace

void run_yosys(const SynthJob& job, const JobFiles& f, const std::vector<const LibInfo*>& libs,
               SynthResult& r) {
  const std::string dir = f.out_dir;
  write_file_atomic(dir + "/abc.script", abc_script());
  write_file_atomic(dir + "/abc.constr", abc_constraints(job));
  write_file_atomic(dir + "/synth.ys", yosys_script(job, f));
  r.yosys_script = dir + "/synth.ys";
  r.yosys_log = dir + "/yosys.log";
  const std::string key = job.netlist_cache.empty() ? "" : netlist_key(job, f);
  const fs::path cache = key.empty() ? fs::path() : fs::absolute(job.netlist_cache);
  if (!key.empty() && copy_outputs(cache / key, dir)) {
    const SynthResult fresh = r;
    try {
      read_outputs(job, dir, libs, r);
      r.netlist_cached = true;
      return;
    } catch (const FlowError&) {
      // A damaged entry: synthesize anew and replace it.
      std::error_code ec;
      fs::remove_all(cache / key, ec);
      r = fresh;
    }
  }
  const ToolRun run =
      run_tool("yosys", {job.tools.yosys, "-s", "synth.ys"}, dir, r.yosys_log, job.yosys_timeout_s);
  r.yosys_seconds = run.seconds;
  if (run.exit_code != 0) {
    std::string err = first_log_line(r.yosys_log, "ERROR:");
    if (err.empty()) err = "exit code " + std::to_string(run.exit_code);
    throw FlowError(Code::ToolFailed, "yosys (log: " + r.yosys_log + ")", err);
  }
  read_outputs(job, dir, libs, r);
  if (!key.empty()) store_outputs(dir, cache, key);
}

}  // namespace zasgen::flow::detail
