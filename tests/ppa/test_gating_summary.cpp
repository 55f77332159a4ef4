// The run report's paragraph on clock gates: single gates by name; gates that differ only in
// instance numbers (a register file's words) as one entry with their count, flops and the
// average and range of their duties, so a design with hundreds of word gates reads in a line.
#include <catch2/catch.hpp>

#include "zasgen/app/run.h"

using namespace zasgen;

namespace {

flow::ClockGatePower gate(const std::string& instance, int64_t flops, double duty) {
  flow::ClockGatePower g;
  g.instance = instance;
  g.flops = flops;
  g.duty = duty;
  g.duty_known = duty >= 0;
  return g;
}

}  // namespace

TEST_CASE("run report: clock gates of many words are summarised", "[ppa][report]") {
  app::PpaResult r;
  CHECK(app::clock_gating_summary(r).empty());
  auto& gates = r.sparse.synth.power.clock_gates;
  gates.push_back(gate("u_drain.u_cg", 3152, 0.131));
  for (int b = 0; b < 2; ++b)
    for (int w = 0; w < 12; ++w)
      gates.push_back(gate(
          "u_lane0.u_psum.u_b" + std::to_string(b) + "_s0.u_word" + std::to_string(w) + ".u_cg",
          448, w == 11 ? 0.0 : 0.01 + 0.001 * w));
  r.sparse.synth.power.clock_gating_credit_mw = 12.5;
  const std::string md = app::clock_gating_summary(r);
  INFO(md);
  CHECK(md.find("u_drain.u_cg (3152 flops) 13.1%") != std::string::npos);
  CHECK(md.find("24 gates u_laneN.u_psum.u_bN_sN.u_wordN.u_cg (10752 flops in all) "
                "1.4% on average (0.0-2.0%)") != std::string::npos);
  CHECK(md.find("u_word3") == std::string::npos);  // no gate listed one by one
  CHECK(md.find("12.50 mW") != std::string::npos);
  CHECK(md.find("Dense") == std::string::npos);

  gates.push_back(gate("u_lane0.u_psum.u_b0_s1.u_word0.u_cg", 448, -1));  // no activity
  CHECK(app::clock_gating_summary(r).find("25 gates") != std::string::npos);
  CHECK(app::clock_gating_summary(r).find("some unknown") != std::string::npos);
}
