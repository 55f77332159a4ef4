// Profile-guided builds (sim/src/verilator_build.cpp): the simulator is compiled instrumented,
// trained on a short layer and compiled again with the profile. Only its speed may change: the
// same case gives the same cycles, counters and outputs as a plain build of the same RTL. A
// cached trained build is preferred to building a plain one.
#include <cstdlib>
#include <filesystem>

#include "sim_test_util.h"
#include "zasgen/sim/design.h"

namespace zasgen {

namespace {

// prepare_design with ZASGEN_PGO set to `value` for the call.
sim::Design prepare(const ArchParams& p, const std::string& dir, const char* value, bool trained) {
  const char* old = std::getenv("ZASGEN_PGO");
  const std::string saved = old ? old : "";
  ::setenv("ZASGEN_PGO", value, 1);
  sim::Design d = sim::prepare_design(p, dir, test::cache_root(), false, trained);
  if (old)
    ::setenv("ZASGEN_PGO", saved.c_str(), 1);
  else
    ::unsetenv("ZASGEN_PGO");
  return d;
}

}  // namespace

TEST_CASE("a profile-guided simulator gives the plain build's cycles and outputs", "[sim][pgo]") {
  const ArchParams p = test::params_from_file(test::repo_path("configs/tiny.yaml"));
  const std::string dir = test::scratch("pgo");
  const sim::Design plain = prepare(p, dir + "/plain", "0", true);  // ZASGEN_PGO=0 wins
  const sim::Design trained = prepare(p, dir + "/trained", "1", true);
  REQUIRE(plain.library != trained.library);  // two cache entries
  // The trained build kept the log of its second, profiled compile.
  CHECK(std::filesystem::exists(std::filesystem::path(trained.library).parent_path() /
                                "build-profiled.log"));
  // Once cached, the trained simulator is used even where none would be built.
  CHECK(prepare(p, dir + "/again", "1", false).library == trained.library);

  const sim::LayerCase c = test::small_case(p);
  const model::Tensor3 golden = sim::golden_output(c, p);
  const sim::DesignResult a = sim::run_design(plain, c, golden);
  const sim::DesignResult b = sim::run_design(trained, c, golden);
  CHECK(a.mismatch.count == 0);
  CHECK(b.mismatch.count == 0);
  CHECK(a.run.perf.cycles == b.run.perf.cycles);
  CHECK(a.run.total_cycles == b.run.total_cycles);
  CHECK(a.run.perf.nnz == b.run.perf.nnz);
  CHECK(a.run.out.values() == b.run.out.values());
  for (const auto& [inst, n] : a.run.activity.macros) {
    INFO(inst);
    CHECK(n.reads == b.run.activity.macros.at(inst).reads);
    CHECK(n.writes == b.run.activity.macros.at(inst).writes);
  }
}

}  // namespace zasgen
