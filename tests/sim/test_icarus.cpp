// Icarus Verilog cross-checks Verilator (issue 4): one small layer on configs/tiny.yaml runs on
// the Verilator model with a recorder on its pins; the testbench made from
// sim/harness/icarus_replay.v replays the recording on the same RTL in Icarus and must see every
// register read, store-stream beat and interrupt identical, at the same cycles. A corrupted
// recording must make it fail (the check can fail).
#include <cstdio>
#include <map>
#include <string>

#include "sim_test_util.h"
#include "zasgen/sim/design.h"
#include "zasgen/sim/icarus.h"

namespace zasgen {

TEST_CASE("icarus cross-check: a tiny layer replays identically in Icarus", "[icarus]") {
  const ArchParams p = test::params_from_file(test::repo_path("configs/tiny.yaml"));
  const std::string work = test::scratch("icarus");
  sim::CaseOptions o;
  // Two K-groups, pooling, 'same' padding, odd sizes, 20 input channels in input-channel chunks
  // (partial sums carried between runs): several runs, and still small enough for Icarus.
  o.layer = "c=20,k=6,h=14,w=13,r=3,s=3,stride=1,pad=1,pool=2";
  o.sparsity = 0.5;
  o.pattern = model::Pattern::Clustered;
  o.seed = 7;
  const sim::LayerCase c = sim::make_case(o, p);
  // The sparse design, then its dense twin (the other decoder and encoder).
  sim::BusTrace trace;  // of the sparse design, for the negative checks below
  for (const ArchParams& a : {p, p.dense_twin()}) {
    INFO("design " << a.name);
    const sim::Design d =
        sim::prepare_design(a, work + "/" + a.name + "/design", test::cache_root());
    const sim::CrossCheck cc = sim::cross_check_icarus(d, c, work + "/" + a.name + "/replay");
    REQUIRE(cc.verilator.mismatch.count == 0);
    CHECK(cc.verilator.run.plan.runs.size() > 1);
    CHECK(cc.verilator.run.plan.chunks_max > 1);
    std::map<sim::BusOp::Kind, int> kinds;
    for (const sim::BusOp& op : cc.trace.ops) ++kinds[op.kind];
    CHECK(kinds[sim::BusOp::Kind::Write] > 0);
    CHECK(kinds[sim::BusOp::Kind::Read] > 0);
    CHECK(kinds[sim::BusOp::Kind::StreamIn] > 0);
    CHECK(kinds[sim::BusOp::Kind::StreamOut] > 0);
    CHECK(kinds[sim::BusOp::Kind::WaitIrq] > 0);
    INFO("Icarus log " << cc.icarus.log << ":\n" << test::read_text(cc.icarus.log));
    CHECK(cc.icarus.pass);
    if (a.sparse()) trace = cc.trace;
    std::printf("icarus %s (%s): %s\n  iverilog %.1f s, vvp %.1f s\n", a.name.c_str(),
                cc.verilator.run.plan.describe().c_str(), cc.icarus.verdict.c_str(),
                cc.compile_seconds, cc.icarus.run_seconds);
  }

  // The check can fail: recordings changed in one place each are caught, with what differs.
  const std::string vvp = work + "/tiny/replay/replay.vvp";
  {  // a read value that differs from the recording
    sim::BusTrace bad = trace;
    for (auto it = bad.ops.rbegin(); it != bad.ops.rend(); ++it)
      if (it->kind == sim::BusOp::Kind::Read) {
        it->data ^= 1;
        break;
      }
    test::write_text(work + "/bad_read.txt", sim::bus_trace_text(bad));
    const sim::IcarusReplay r =
        sim::run_replay(vvp, work + "/bad_read.txt", work + "/bad_read.log");
    CHECK_FALSE(r.pass);
    CHECK(r.verdict.find("REPLAY FAIL") == 0);
    CHECK(r.verdict.find("read value differs") != std::string::npos);
  }
  {  // a store-stream beat that differs from the recording
    sim::BusTrace bad = trace;
    for (sim::BusOp& op : bad.ops)
      if (op.kind == sim::BusOp::Kind::StreamOut && !op.beats.empty()) {
        op.beats.back() ^= 0x80000000u;
        break;
      }
    test::write_text(work + "/bad_beat.txt", sim::bus_trace_text(bad));
    const sim::IcarusReplay r =
        sim::run_replay(vvp, work + "/bad_beat.txt", work + "/bad_beat.log");
    CHECK_FALSE(r.pass);
    CHECK(r.verdict.find("store-stream beat differs") != std::string::npos);
  }
  {  // an interrupt one cycle later than recorded
    sim::BusTrace bad = trace;
    for (sim::BusOp& op : bad.ops)
      if (op.kind == sim::BusOp::Kind::WaitIrq) {
        op.end += 1;
        break;
      }
    test::write_text(work + "/bad_irq.txt", sim::bus_trace_text(bad));
    const sim::IcarusReplay r = sim::run_replay(vvp, work + "/bad_irq.txt", work + "/bad_irq.log");
    CHECK_FALSE(r.pass);
    CHECK(r.verdict.find("cycle count diverged") != std::string::npos);
  }
}

}  // namespace zasgen

namespace zasgen {

TEST_CASE("zasgen sim --icarus replays the run in Icarus and reports PASS", "[icarus][cli]") {
  const std::string dir = test::scratch("icarus/cli");
  const test::RunResult r = test::run_zasgen(
      "sim " + test::quote(test::repo_path("configs/tiny.yaml")) +
          " --layer c=5,k=6,h=7,w=9,r=3,s=3,stride=2,pad=1 --sparsity 0.5 --no-dense --icarus -o " +
          test::quote(dir + "/out"),
      test::scratch(""));
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("REPLAY PASS") != std::string::npos);
  CHECK(std::filesystem::exists(dir + "/out/icarus/trace.txt"));
  CHECK(std::filesystem::exists(dir + "/out/icarus/replay_tb.v"));
}

}  // namespace zasgen
