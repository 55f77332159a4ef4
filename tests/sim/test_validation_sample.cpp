// Validation = generation, through the tools: a few random configurations that `zasgen check`
// accepts (from the generator of tests/rtl/test_validation_generation.cpp, limited to designs
// Verilator builds in a minute) are generated, linted with `verilator --lint-only -Wall`
// without a warning, and simulated by `zasgen sim` on a small layer that fits them, bit-exact
// against the golden model for the design and its dense twin. Seeded (ZASGEN_TEST_SEED).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>

#include "../rtl/random_config.h"
#include "sim_test_util.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/rng.h"

namespace zasgen {
namespace {

namespace fs = std::filesystem;

uint64_t sample_seed() {
  if (const char* s = std::getenv("ZASGEN_TEST_SEED")) return std::strtoull(s, nullptr, 0) + 77;
  return 0x5eed2024 + 77;
}

// Small enough to verilate and simulate in about a minute.
bool small(const ArchParams& p) {
  const int64_t bits = p.act_in.bits() + p.act_in_table.bits() + p.act_out.bits() +
                       p.act_out_table.bits() + p.weights.bits() * p.lanes +
                       p.psum.bits() * 2 * p.lanes + p.bias.bits();
  return p.pes <= 16 && p.taps() <= 9 && int64_t(p.pes) * p.lanes * p.taps() <= 48 &&
         bits <= (int64_t(1) << 20) && p.max_h <= 32 && p.max_w <= 32;
}

// A small layer that fits the configuration: a few channels, more output channels than PEs when
// the configuration allows (K-groups), the largest kernel up to 3x3, the smallest stride.
std::optional<model::LayerSpec> layer_for(const ArchParams& p) {
  model::LayerSpec l;
  l.c = std::min(3, p.max_c);
  l.k = std::min(p.pes + 1, p.max_k);
  l.r = std::min(3, p.max_r);
  l.s = std::min(3, p.max_s);
  l.stride = p.strides.front();
  l.pad = std::min({p.max_pad, (l.r - 1) / 2, (l.s - 1) / 2});
  l.h = std::min(6, p.max_h);
  l.w = std::min(6, p.max_w);
  l.pool = false;
  l.relu = true;
  if (l.out_h() < 1 || l.out_w() < 1 || !model::check_layer_fits(l, p).empty()) return std::nullopt;
  return l;
}

std::string lint(const std::string& rtl_dir, const std::string& top) {
  std::string cmd = "cd '" + rtl_dir + "' && verilator --lint-only -Wall --top-module " + top +
                    " -f filelist.f 2>&1";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    if (::pclose(p) != 0 && out.empty()) out = "verilator failed";
  }
  return out;
}

}  // namespace

TEST_CASE("validation = generation: sampled configs lint clean and simulate bit-exact",
          "[sim][property]") {
  const uint64_t seed = sample_seed();
  model::Rng rng(seed);
  const int want = 3;
  int found = 0, draws = 0;
  while (found < want && draws < 20000) {
    // One sample per sparse format (each simulated with its dense twin).
    static const char* const kFormats[] = {"coord", "rle", "bitmap"};
    test::YamlTree t = test::draw_tree(rng, draws);
    t.set("arch.mode", "sparse");
    t.set("sparse.format", kFormats[found % 3]);
    // Keep the geometry small enough to simulate: most draws over the whole schema are not.
    auto pick = [&](std::initializer_list<int> v) {
      return std::to_string(*(v.begin() + rng.next() % v.size()));
    };
    t.set("arch.pes", pick({1, 2, 3, 4, 6, 8}));
    t.set("arch.lanes", pick({1, 1, 2}));
    t.set("kernel.max_r", pick({1, 2, 3}));
    t.set("kernel.max_s", pick({1, 2, 3}));
    t.set("limits.max_h", pick({4, 6, 9, 16}));
    t.set("limits.max_w", pick({4, 7, 16}));
    std::string yaml;
    ValidateResult r;
    for (int round = 0; round < 5; ++round) {
      yaml = test::to_yaml(t);
      ParseResult pr = parse_config_text(yaml, "s.yaml");
      if (!pr.config) break;
      r = validate(*pr.config);
      if (r.params || round == 4 || !test::repair(t, r.diags)) break;
    }
    ++draws;
    if (!r.params || !small(*r.params)) continue;
    const std::optional<model::LayerSpec> layer = layer_for(*r.params);
    if (!layer) continue;
    const std::string name = "sample" + std::to_string(found++);
    INFO("seed " << seed << ", configuration " << name << ":\n" << yaml);
    const std::string dir = test::scratch();
    const std::string cfg = dir + "/" + name + ".yaml";
    test::write_text(cfg, yaml);
    const test::RunResult g = test::run_zasgen("generate " + name + ".yaml -o " + name, dir);
    INFO(g.err);
    REQUIRE(g.status == 0);
    const std::string top = r.params->name + "_top";
    CHECK(lint(dir + "/" + name + "/rtl", top).find('%') == std::string::npos);
    const test::RunResult s = test::run_zasgen(
        "sim " + name + ".yaml -q -o " + name + " --seed 7 --layer " + layer->to_string(), dir);
    INFO("zasgen sim --layer " << layer->to_string() << ":\n" << s.err);
    CHECK(s.status == 0);
    std::printf(
        "[property] %s (%d PEs x %d lanes, %dx%d kernel, %s): lint clean, %s %s in %.0f s\n",
        name.c_str(), r.params->pes, r.params->lanes, r.params->max_r, r.params->max_s,
        r.params->sparse() ? to_string(r.params->format) : "dense", layer->to_string().c_str(),
        s.status == 0 ? "bit-exact" : "FAILED", g.seconds + s.seconds);
  }
  CHECK(found == want);
}

}  // namespace zasgen
