// The partial-sum banks merge back-to-back updates of one address (generator/src/rtl/arch/
// psum.cpp): neighbouring non-zeros of a row share output positions, and the second update takes
// the first's sum by forwarding, so the macros see one read and one write for the pair. Counted
// by the SRAM models' own counters, as `zasgen synth` counts them for power, on a layer whose
// every update is checked bit-exact against the golden model.
#include "sim_test_util.h"
#include "zasgen/sim/design.h"

namespace zasgen {

namespace {

struct PsumAccesses {
  uint64_t reads = 0, writes = 0, updates = 0;
};

PsumAccesses psum_accesses(const sim::Design& d, double sparsity) {
  const ArchParams& p = d.params;
  sim::CaseOptions co;
  co.layer = "c=3,k=" + std::to_string(2 * p.pes) + ",h=10,w=14,r=3,s=3,stride=1,pad=1";
  co.sparsity = sparsity;
  co.seed = 11;
  const sim::LayerCase c = sim::make_case(co, p);
  const sim::DesignResult a = sim::run_design(d, c, sim::golden_output(c, p));
  INFO("first mismatch at k=" << a.mismatch.k << " y=" << a.mismatch.y << " x=" << a.mismatch.x);
  REQUIRE(a.mismatch.count == 0);
  PsumAccesses r;
  for (const auto& [inst, n] : a.run.activity.macros) {
    if (inst.find("u_psum.") == std::string::npos) continue;
    r.reads += n.reads;
    r.writes += n.writes;
  }
  // Every PE of a group is valid (k is a multiple of pes): one bank word per tap and activation.
  r.updates = a.run.perf.macs / uint64_t(p.pes);
  return r;
}

}  // namespace

TEST_CASE("the partial-sum banks merge back-to-back updates of one address", "[sim][psum]") {
  const ArchParams p = test::params_from_file(test::repo_path("configs/tiny.yaml"));
  const std::string dir = test::scratch("psum_merge");
  const sim::Design d = sim::prepare_design(p, dir + "/design", test::cache_root());
  // An all-zero map updates nothing: what remains is the drain's reads and the clear's writes,
  // the same for every input of the layer's shape.
  const PsumAccesses idle = psum_accesses(d, 1.0);
  REQUIRE(idle.updates == 0);
  REQUIRE(idle.reads > 0);
  REQUIRE(idle.writes > 0);

  for (const double sparsity : {0.0, 0.7}) {
    const PsumAccesses r = psum_accesses(d, sparsity);
    const uint64_t reads = r.reads - idle.reads, writes = r.writes - idle.writes;
    INFO("sparsity " << sparsity << ": " << r.updates << " updates, " << reads << " compute reads, "
                     << writes << " compute writes");
    REQUIRE(r.updates > 0);
    // Unmerged, every update would read and write its word once.
    CHECK(reads < r.updates);
    CHECK(writes < r.updates);
    CHECK(reads == writes);  // a merged pair skips one read and one write
    // Dense rows: each non-zero shares 6 of its 9 positions with its left neighbour.
    if (sparsity == 0.0) CHECK(writes < r.updates / 2);
  }
}

}  // namespace zasgen
