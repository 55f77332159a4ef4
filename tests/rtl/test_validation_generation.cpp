// Validation = generation: a configuration that `zasgen check` accepts must generate. Thousands
// of random configurations (shipped ones with awkward numbers, and draws over the whole schema
// that favour the edges of every range, repaired to validity with the smallest memories
// validation accepts) go through validate -> elaborate -> IR checks -> Verilog, in process
// (no tool runs); tests/sim/test_validation_sample.cpp takes a few of
// them on through Verilator. Seeded (ZASGEN_TEST_SEED); the count is ZASGEN_PROPERTY_CONFIGS
// (default 2000 valid configurations, about 0.1 s each on one core: the draws favour the edges of
// every range, so many are designs of hundreds of PEs).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "random_config.h"
#include "rtl_test_util.h"
#include "zasgen/model/rng.h"
#include "zasgen/rtl/regmap.h"

using namespace zasgen;
using namespace zasgen::rtl;
using namespace zasgen::rtl::test;
using zasgen::model::Rng;

namespace {

int property_count() {
  if (const char* s = std::getenv("ZASGEN_PROPERTY_CONFIGS")) return std::max(1, std::atoi(s));
  return 2000;
}

}  // namespace

TEST_CASE("validation = generation: random configs that check accepts all generate",
          "[rtl][property]") {
  const uint64_t seed = base_seed() + 12;
  const int want = property_count();
  Rng rng(seed);
  std::vector<std::string> shipped;
  for (const char* n : {"default", "tiny", "rle", "wide", "dense"})
    shipped.push_back(zasgen::test::slurp_file(repo_path(std::string("configs/") + n + ".yaml")));
  GenerateOptions o;
  o.tool_version = generator_version();
  std::map<std::string, std::pair<int, std::string>> failures;  // message -> count, first YAML
  int draws = 0, valid = 0, mutated = 0;
  double slowest = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (valid < want && draws < 100 * want) {
    const bool mutate = draws % 2 == 0;
    std::string yaml;
    ValidateResult r;
    if (mutate) {
      yaml = zasgen::test::mutate_numbers(
          shipped[std::size_t(rng.uniform_int(0, int64_t(shipped.size()) - 1))], rng);
      r = validate_text(yaml, "p.yaml");
    } else {
      // A draw over the schema, repaired where validation says how (up to four rounds).
      zasgen::test::YamlTree t = zasgen::test::draw_tree(rng, draws);
      for (int round = 0; round < 5; ++round) {
        yaml = zasgen::test::to_yaml(t);
        r = validate_text(yaml, "p.yaml");
        if (r.params || round == 4 || !zasgen::test::repair(t, r.diags)) break;
      }
    }
    ++draws;
    if (!r.params) continue;
    ++valid;
    mutated += mutate;
    const auto c0 = std::chrono::steady_clock::now();
    try {
      (void)generate_files(*r.params, o);
    } catch (const std::exception& e) {
      auto& f = failures[e.what()];
      if (f.first++ == 0) f.second = yaml;
    }
    const double s = seconds_since(c0);
    slowest = std::max(slowest, s);
  }
  const double secs = seconds_since(t0);
  std::printf(
      "[property] seed %llu: %d valid configurations (%d mutated shipped, %d schema draws) of "
      "%d drawn; check -> generate -> IR check in %.1f s (%.1f ms each, slowest %.0f ms); %zu "
      "failure classes\n",
      (unsigned long long)seed, valid, mutated, valid - mutated, draws, secs,
      valid ? 1000 * secs / valid : 0.0, 1000 * slowest, failures.size());
  CHECK(valid >= want);
  for (const auto& [what, f] : failures) {
    INFO(f.first << " configurations fail with: " << what << "\nfirst:\n" << f.second);
    CHECK(f.first == 0);
  }
}

// Generator bugs the property found, fixed; their minimal reproductions stay.
namespace {

void expect_generates(const std::string& yaml) {
  const ValidateResult r = validate_text(yaml, "found.yaml");
  INFO(render_text(r.diags));
  REQUIRE(r.params);
  GenerateOptions o;
  o.tool_version = generator_version();
  CHECK_NOTHROW(generate_files(*r.params, o));
}

}  // namespace

TEST_CASE("found bug: rle maps at most 2 rows high generate (the decoder's row skip y + 2)",
          "[rtl][property]") {
  // was: "rtl builder: literal 2 does not fit 1 bits" (a 1-bit row index)
  expect_generates("limits: {max_h: 2}\nsparse: {format: rle}\n");
  expect_generates("limits: {max_h: 1}\nkernel: {max_r: 1, max_s: 1}\nsparse: {format: rle}\n");
}

TEST_CASE("found bug: 65536 output channels on one PE generate (17-bit K-group count)",
          "[rtl][property]") {
  // was: "rtl builder: mux arms of widths 33 and 32" (RUN_GROUPS.KVALID overlapped GROUPS)
  expect_generates("arch: {pes: 1}\nlimits: {max_k: 65536}\n");
  const ValidateResult r = validate_text("arch: {pes: 1}\nlimits: {max_k: 65536}\n", "k.yaml");
  REQUIRE(r.params);
  const RegMap map = make_regmap(*r.params);
  const Field& groups = map.field("RUN_GROUPS", "GROUPS");
  const Field& kvalid = map.field("RUN_GROUPS", "KVALID");
  CHECK(groups.lsb + groups.width <= kvalid.lsb);
  CHECK(kvalid.lsb + kvalid.width <= 32);
}

TEST_CASE("found bug: a 64 MiB single-bank buffer is addressable through the DMA port",
          "[rtl][property]") {
  // The DMA word address was 24 bits whatever the depth: words beyond 2^24 were unreachable.
  const ValidateResult r =
      validate_text("arch: {pes: 1}\nmemory: {act_in: {capacity_kib: 65536}}\n", "d.yaml");
  REQUIRE(r.params);
  CHECK(r.params->act_in.depth > (1 << 24));
  const RegMap map = make_regmap(*r.params);
  CHECK((int64_t(1) << map.field("MEM_ADDR", "ADDR").width) >= r.params->act_in.depth);
  expect_generates("arch: {pes: 1}\nmemory: {act_in: {capacity_kib: 65536}}\n");
}
