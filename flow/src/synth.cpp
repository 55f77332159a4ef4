// The synthesis driver's entry points: job checks, library files, the Yosys and OpenSTA runs
// (yosys_run.cpp, sta_run.cpp), the JSON result, gate-level models and the osu018 cross-check.
#include "zasgen/flow/synth.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <set>

#include "flow_internal.h"
#include "process.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/sram.h"

namespace zasgen::flow {

namespace fs = std::filesystem;
using Code = FlowError::Code;

namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum((unsigned char)c) || c == '_' || c == '$')) return false;
  return true;
}

void bad_job(const std::string& what, const std::string& problem,
             const std::string& accepted = "") {
  throw FlowError(Code::BadArgument, "SynthJob." + what, problem, accepted);
}

// Paths go into Yosys scripts (double quotes) and Tcl (braces): keep them plain.
void check_path(const std::string& field, const std::string& p) {
  for (char c : p)
    if (c == '"' || c == '{' || c == '}' || c == '\\' || c == '\n' || c == ' ')
      bad_job(field, "path '" + p + "' contains a space, quote, brace or backslash");
}

void check_file(const std::string& field, const std::string& p) {
  check_path(field, p);
  if (!fs::is_regular_file(p)) bad_job(field, "file not found: " + p);
}

void check_job(const SynthJob& job) {
  if (job.verilog_files.empty()) bad_job("verilog_files", "no Verilog files given");
  for (const auto& v : job.verilog_files) check_file("verilog_files", v);
  if (!is_identifier(job.top)) bad_job("top", "'" + job.top + "' is not a module name");
  if (job.out_dir.empty()) bad_job("out_dir", "no output directory given");
  check_path("out_dir", job.out_dir);
  if (!(job.clock_period_ns > 0)) bad_job("clock_period_ns", "must be positive", "> 0 ns");
  check_file("liberty", job.liberty);
  if (!job.macros.macros.empty() || !job.macro_liberty.empty())
    check_file("macro_liberty", job.macro_liberty);
  for (const rtl::MacroEntry& m : job.macros.macros)
    if (!is_identifier(m.module)) bad_job("macros", "'" + m.module + "' is not a module name");
  if (!is_identifier(job.clock_port)) bad_job("clock_port", "not a port name");
  if (!(job.default_toggle_rate >= 0 && job.default_toggle_rate <= 2))
    bad_job("default_toggle_rate", "toggle rate out of range", "0..2");
  if (!(job.default_duty >= 0 && job.default_duty <= 1))
    bad_job("default_duty", "duty out of range", "0..1");
  if (!job.activity_file.empty() && !fs::is_regular_file(job.activity_file))
    bad_job("activity_file", "file not found: " + job.activity_file);
}

std::string relative_to(const std::string& path, const std::string& base) {
  return fs::relative(fs::absolute(path), base).generic_string();
}

detail::JobFiles job_files(const SynthJob& job, const std::string& out_dir) {
  detail::JobFiles f;
  f.out_dir = out_dir;
  for (const auto& v : job.verilog_files) f.verilog.push_back(relative_to(v, out_dir));
  f.liberty = relative_to(job.liberty, out_dir);
  if (!job.macro_liberty.empty()) f.macro_liberty = relative_to(job.macro_liberty, out_dir);
  f.aux_liberty = "zasgen_sta_aux.lib";
  return f;
}

}  // namespace

namespace {

// The job's output folder, created, as an absolute path.
std::string job_dir(const SynthJob& job) {
  std::error_code ec;
  fs::create_directories(job.out_dir, ec);
  if (ec) throw FlowError(Code::Io, job.out_dir, "cannot create output directory: " + ec.message());
  return fs::canonical(job.out_dir).string();
}

}  // namespace

SynthResult synthesize_netlist(const SynthJob& job) {
  check_job(job);
  const std::string out_dir = job_dir(job);
  const detail::JobFiles files = job_files(job, out_dir);

  const detail::LibInfo std_lib = detail::scan_liberty(job.liberty);
  detail::LibInfo macro_lib;
  std::vector<const detail::LibInfo*> libs = {&std_lib};
  if (!job.macro_liberty.empty()) {
    macro_lib = detail::scan_liberty(job.macro_liberty);
    libs.push_back(&macro_lib);
  }
  for (const rtl::MacroEntry& m : job.macros.macros)
    if (!macro_lib.cells.count(m.module))
      bad_job("macros", "macro '" + m.module + "' is not in " + job.macro_liberty,
              "write the macro liberty with every geometry the design uses");

  SynthResult r;
  r.out_dir = out_dir;
  detail::run_yosys(job, files, libs, r);
  return r;
}

void analyze(const SynthJob& job, SynthResult& r) {
  check_job(job);
  const std::string out_dir = job_dir(job);
  if (fs::path(out_dir) != fs::path(r.out_dir))
    bad_job("out_dir", "the netlist was synthesized in " + r.out_dir + ", not in " + out_dir);
  detail::run_sta(job, job_files(job, out_dir), detail::scan_liberty(job.liberty), r);
}

SynthResult synthesize(const SynthJob& job) {
  SynthResult r = synthesize_netlist(job);
  if (job.run_sta) analyze(job, r);
  return r;
}

std::pair<std::string, std::string> write_libraries(const LibertySpec& spec,
                                                    const rtl::MacroManifest& manifest,
                                                    const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw FlowError(Code::Io, out_dir, "cannot create directory: " + ec.message());
  std::vector<SramMacro> macros;
  for (const rtl::MacroEntry& m : manifest.macros) macros.push_back(sram_macro(spec, m.geometry));
  const std::string std_path = out_dir + "/" + spec.name + ".lib";
  const std::string sram_path = out_dir + "/" + spec.name + "_sram.lib";
  write_file_atomic(std_path, write_liberty(spec));
  write_file_atomic(sram_path, write_sram_liberty(spec, macros));
  return {std_path, sram_path};
}

// ---- JSON ----

namespace {

nlohmann::json group_json(const PowerGroup& g) {
  return {{"internal_mw", g.internal_mw},
          {"switching_mw", g.switching_mw},
          {"leakage_mw", g.leakage_mw},
          {"total_mw", g.total_mw()}};
}

}  // namespace

std::string to_json(const SynthResult& r) {
  nlohmann::json j;
  j["area"] = {{"logic_um2", r.logic_area_um2}, {"macro_um2", r.macro_area_um2},
               {"total_um2", r.total_area_um2}, {"yosys_reported_um2", r.yosys_reported_area_um2},
               {"cells", r.cell_count},         {"flops", r.flop_count},
               {"macros", r.macro_count}};
  nlohmann::json mods = nlohmann::json::array();
  for (const auto& m : r.modules)
    mods.push_back({{"module", m.module},
                    {"instances", m.instances},
                    {"own_cells", m.own_cells},
                    {"own_logic_um2", m.own_logic_um2},
                    {"own_macro_um2", m.own_macro_um2},
                    {"total_um2", m.total_um2}});
  j["modules"] = mods;
  j["cell_counts"] = r.cell_counts;
  j["timing"] = {{"has_paths", r.timing.has_paths},
                 {"period_ns", r.timing.period_ns},
                 {"worst_setup_slack_ns", r.timing.worst_setup_slack_ns},
                 {"worst_hold_slack_ns", r.timing.worst_hold_slack_ns},
                 {"worst_slack_with_async_ns", r.timing.worst_slack_with_async_ns},
                 {"half_cycle_slack_ns", r.timing.has_half_cycle_paths
                                             ? nlohmann::json(r.timing.half_cycle_slack_ns)
                                             : nlohmann::json()},
                 {"fmax_mhz", r.timing.fmax_mhz}};
  const PowerResult& p = r.power;
  nlohmann::json macros = nlohmann::json::array();
  for (const auto& m : p.macros)
    macros.push_back({{"instance", m.instance}, {"cell", m.cell}, {"power", group_json(m.power)}});
  nlohmann::json gates = nlohmann::json::array();
  for (const auto& g : p.clock_gates)
    gates.push_back({{"instance", g.instance},
                     {"flops", g.flops},
                     {"macros", g.macros},
                     {"duty", g.duty_known ? nlohmann::json(g.duty) : nlohmann::json()},
                     {"credit_mw", g.credit_mw}});
  j["power"] = {{"total", group_json(p.total)},
                {"sequential", group_json(p.sequential)},
                {"combinational", group_json(p.combinational)},
                {"macro", group_json(p.macro)},
                {"reported_total", group_json(p.reported_total)},
                {"clock_pin_correction_mw", p.clock_pin_correction_mw},
                {"clock_gating_credit_mw", p.clock_gating_credit_mw},
                {"clock_gates", gates},
                {"macros", macros},
                {"activity_applied", p.activity_applied},
                {"activity_unmatched", p.activity_unmatched},
                {"activity_not_register", p.activity_not_register},
                {"activity_problems", p.activity_problems},
                {"notes", p.notes},
                {"sta_version", p.sta_version}};
  j["runtime_s"] = {{"yosys", r.yosys_seconds},
                    {"sta", r.sta_seconds},
                    {"sta_timing", r.sta_timing_seconds},
                    {"sta_power", r.sta_power_seconds}};
  j["netlist_cached"] = r.netlist_cached;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// ---- gate-level models ----

void write_gate_models(const std::string& liberty_path, const std::string& out_verilog,
                       const ToolPaths& tools) {
  if (!fs::is_regular_file(liberty_path))
    throw FlowError(Code::BadArgument, liberty_path, "liberty file not found");
  const fs::path out = fs::absolute(out_verilog);
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  const std::string tmp = out.string() + ".tmp";
  const std::string log = out.string() + ".log";
  // Yosys turns each cell's `function` / `ff` group into a behavioural module (no UDPs, which
  // Verilator cannot parse).
  const std::string cmd = "read_liberty -ignore_miss_func \"" +
                          fs::absolute(liberty_path).string() + "\"; write_verilog -noattr \"" +
                          tmp + "\"";
  const detail::ToolRun run =
      detail::run_tool("yosys", {tools.yosys, "-p", cmd}, out.parent_path().string(), log, 600);
  if (run.exit_code != 0) {
    std::string err = detail::first_log_line(log, "ERROR:");
    throw FlowError(Code::ToolFailed, "yosys (log: " + log + ")",
                    err.empty() ? "exit code " + std::to_string(run.exit_code) : err);
  }
  std::string text = detail::read_text(tmp);
  std::remove(tmp.c_str());
  // Yosys stamps its version; keep it, but nothing machine-specific is in the text.
  write_file_atomic(out.string(),
                    "// Gate-level simulation models generated by zasgen with Yosys "
                    "from " +
                        fs::path(liberty_path).filename().string() +
                        " (synthetic estimate, not foundry data).\n" + text);
}

// ---- osu018 cross-check ----

std::string default_osu018_liberty() {
  return "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
}

CrossCheck osu018_crosscheck(const SynthJob& job, const SynthResult& ours, const LibertySpec& spec,
                             const std::string& osu018_lib) {
  if (!fs::is_regular_file(osu018_lib))
    throw FlowError(Code::ToolMissing, osu018_lib, "osu018 liberty not found",
                    "apt-get install qflow-tech-osu018");
  SynthJob ref = job;
  ref.liberty = osu018_lib;
  ref.out_dir = job.out_dir + "/osu018";
  ref.run_sta = false;
  // osu018 has no tie cells (constants stay 1'b0/1'b1) and names its buffers differently.
  ref.cells.tie_hi.clear();
  ref.cells.tie_lo.clear();
  ref.cells.buffer = "BUFX2";
  ref.cells.driving_cell = "BUFX2";
  const SynthResult osu = synthesize(ref);
  const detail::LibInfo lib = detail::scan_liberty(osu018_lib);

  CrossCheck c;
  c.library = osu018_lib;
  if (auto it = lib.cells.find("NAND2X1"); it != lib.cells.end()) c.ref_nand2_um2 = it->second.area;
  c.our_nand2_um2 = spec.nand2_area;
  c.ref_logic_um2 = osu.logic_area_um2;
  c.ref_logic_scaled_um2 = osu.logic_area_um2 * c.our_nand2_um2 / c.ref_nand2_um2;
  c.our_logic_um2 = ours.logic_area_um2;
  c.ratio = c.ref_logic_scaled_um2 > 0 ? c.our_logic_um2 / c.ref_logic_scaled_um2 : 0;
  c.macro_area_um2 = ours.macro_area_um2;
  c.ref_cells = osu.cell_count;
  c.our_cells = ours.cell_count;
  return c;
}

}  // namespace zasgen::flow
