// Power activity two ways on one run of tiny.yaml: the ordinary simulation's per-bit toggle
// counters on register outputs (what `zasgen synth` uses) against Verilator's toggle coverage
// (a second build, ~100x slower on large designs). Both count over the same busy cycles; the
// register bits they share must agree, and so must the SRAM access counts. Hidden from the suite
// (the coverage build alone takes about two minutes): `test_sim "[activity]"`.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim_test_util.h"
#include "zasgen/sim/design.h"

namespace zasgen {

TEST_CASE("activity: register toggles of the ordinary simulation equal Verilator's coverage",
          "[.][sim][activity]") {
  const ArchParams p = test::params_from_file(test::repo_path("configs/tiny.yaml"));
  const std::string dir = test::scratch("activity_methods");
  const sim::Design d = sim::prepare_design(p, dir + "/design", test::cache_root());
  const sim::LayerCase c = test::small_case(p);
  const model::Tensor3 golden = sim::golden_output(c, p);

  sim::RunDesignOptions ro;
  ro.activity = true;
  const sim::DesignResult fast = sim::run_design(d, c, golden, ro);
  REQUIRE(fast.mismatch.count == 0);
  const sim::ActivityRun cov = sim::measure_activity(d, c, test::cache_root(), dir + "/coverage");
  REQUIRE(cov.mismatch.count == 0);
  REQUIRE(cov.perf.cycles == fast.run.perf.cycles);

  const SwitchingActivity& a = fast.run.activity;
  const SwitchingActivity& b = cov.activity;
  REQUIRE(a.cycles == b.cycles);
  REQUIRE(!a.nets.empty());
  size_t shared = 0, differ = 0;
  uint64_t sum_a = 0, sum_b = 0, abs_diff = 0, max_diff = 0;
  std::string first, worst;
  for (const auto& [name, n] : a.nets) {
    const auto it = b.nets.find(name);
    if (it == b.nets.end()) continue;
    ++shared;
    sum_a += n.toggles;
    sum_b += it->second.toggles;
    const uint64_t dd = n.toggles > it->second.toggles ? n.toggles - it->second.toggles
                                                       : it->second.toggles - n.toggles;
    abs_diff += dd;
    if (dd > max_diff) {
      max_diff = dd;
      worst = name + ": " + std::to_string(n.toggles) + " vs " + std::to_string(it->second.toggles);
    }
    if (n.toggles != it->second.toggles && ++differ == 1)
      first = name + ": " + std::to_string(n.toggles) + " vs " + std::to_string(it->second.toggles);
  }
  std::printf(
      "activity methods on %s: %zu register bits counted, %zu also in the coverage, %zu differ; "
      "toggles %llu vs %llu; sum of differences %llu, largest %llu; %zu runs\n",
      p.name.c_str(), a.nets.size(), shared, differ, (unsigned long long)sum_a,
      (unsigned long long)sum_b, (unsigned long long)abs_diff, (unsigned long long)max_diff,
      fast.run.plan.runs.size());
  std::printf("first difference %s; largest %s\n", first.c_str(), worst.c_str());
  CHECK(shared * 10 >= a.nets.size() * 9);  // the coverage sees (nearly) every register bit
  // The counters sample each register once per cycle, at the clock edge; the coverage build
  // counts a change at any evaluation and starts counting one edge earlier at a run's start, so
  // single bits differ by a few toggles. What power sees, the totals, must agree closely.
  CHECK(double(abs_diff) <= 0.01 * double(sum_b));
  CHECK(std::abs(double(sum_a) - double(sum_b)) <= 0.001 * double(sum_b));
  // SRAM accesses come from the same counters in both runs.
  REQUIRE(a.macros.size() == b.macros.size());
  for (const auto& [inst, m] : a.macros) {
    INFO(inst);
    REQUIRE(b.macros.count(inst) == 1);
    CHECK(b.macros.at(inst).reads == m.reads);
    CHECK(b.macros.at(inst).writes == m.writes);
  }
}

}  // namespace zasgen
