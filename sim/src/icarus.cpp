#include "zasgen/sim/icarus.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "embedded.h"
#include "zasgen/fs_util.h"
#include "zasgen/model/golden.h"
#include "zasgen/rtl/regmap.h"
#include "zasgen/rtl/templates.h"
#include "zasgen/sim/tool.h"

namespace zasgen::sim {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string bus_trace_text(const BusTrace& t) {
  std::string out = fmt::format("{}\n", t.begin);
  for (const BusOp& op : t.ops) {
    out += fmt::format("{} {} {}", int(op.kind), op.start, op.end);
    switch (op.kind) {
      case BusOp::Kind::Write:
      case BusOp::Kind::Read:
        out += fmt::format(" {:x} {:08x} {}\n", op.addr, op.data, op.status);
        break;
      case BusOp::Kind::StreamIn:
      case BusOp::Kind::StreamOut: {
        // In: every offered beat and the number accepted; out: the beats received.
        const uint64_t n = op.kind == BusOp::Kind::StreamIn ? op.beats.size() : op.count;
        const uint64_t m = op.kind == BusOp::Kind::StreamIn ? op.count : op.beats.size();
        out += fmt::format(" {} {}\n", n, m);
        for (size_t i = 0; i < op.beats.size(); ++i)
          out += fmt::format("{:08x}{}", op.beats[i],
                             (i % 8 == 7 || i + 1 == op.beats.size()) ? "\n" : " ");
        break;
      }
      case BusOp::Kind::WaitIrq:
        out += fmt::format(" {} {}\n", op.count, op.status);
        break;
      case BusOp::Kind::Step:
        out += fmt::format(" {}\n", op.count);
        break;
    }
  }
  out += "0\n";
  return out;
}

std::string replay_testbench(const std::string& top, int axi_addr_bits) {
  return rtl::fill_template(icarus_testbench_template(),
                            {{"TOP", top}, {"ADDR_MSB", std::to_string(axi_addr_bits - 1)}});
}

std::string compile_replay(const std::string& rtl_dir, const std::string& top, int axi_addr_bits,
                           const std::string& work_dir) {
  const fs::path rtl = fs::absolute(rtl_dir);
  const fs::path work = fs::absolute(work_dir);
  fs::create_directories(work);
  write_file_atomically((work / "replay_tb.v").string(), replay_testbench(top, axi_addr_bits));
  std::ifstream fl(rtl / "filelist.f");
  if (!fl) throw ToolError("no filelist.f in " + rtl.string());
  if (capture({"iverilog", "-V"}).empty())
    throw ToolError("iverilog not found on PATH (install the Debian package iverilog)");
  std::vector<std::string> cmd = {"iverilog", "-g2012",     "-s",         "zas_replay",
                                  "-o",       "replay.vvp", "replay_tb.v"};
  std::string line;
  while (std::getline(fl, line))
    if (!line.empty()) cmd.push_back((rtl / line).string());
  const std::string log = (work / "iverilog.log").string();
  if (run_logged(cmd, log, work.string()) != 0 || !fs::exists(work / "replay.vvp"))
    throw ToolError("Icarus Verilog could not compile the replay testbench of " + top, log);
  return (work / "replay.vvp").string();
}

IcarusReplay run_replay(const std::string& vvp, const std::string& trace_path,
                        const std::string& log_path) {
  IcarusReplay r;
  r.log = log_path;
  const auto t0 = Clock::now();
  const int rc =
      run_logged({"vvp", "-n", vvp, "+trace=" + fs::absolute(trace_path).string()}, log_path);
  r.run_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::istringstream text(slurp(log_path));
  std::string line;
  while (std::getline(text, line))
    if (line.rfind("REPLAY ", 0) == 0) r.verdict = line;
  r.pass = rc == 0 && r.verdict.rfind("REPLAY PASS", 0) == 0;
  return r;
}

CrossCheck cross_check_icarus(const Design& d, const LayerCase& c, const std::string& work_dir) {
  CrossCheck cc;
  const ArchParams& p = d.params;
  {
    RtlModel model(d.library);
    model.record(&cc.trace);
    cc.verilator.run = simulate_layer(model, p, c.layer, c.in);
    model.record(nullptr);
  }
  const model::Tensor3 golden =
      model::conv_layer(c.in.act, c.in.weights, c.in.bias, c.in.requant, c.layer, p);
  cc.verilator.mismatch = compare(golden, cc.verilator.run.out);
  const fs::path work = fs::absolute(work_dir);
  fs::create_directories(work);
  const std::string trace = (work / "trace.txt").string();
  write_file_atomically(trace, bus_trace_text(cc.trace));
  const auto t0 = Clock::now();
  const std::string vvp =
      compile_replay(d.rtl_dir, p.name + "_top", rtl::make_regmap(p).addr_bits, work.string());
  cc.compile_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  cc.icarus = run_replay(vvp, trace, (work / "replay.log").string());
  return cc;
}

}  // namespace zasgen::sim
