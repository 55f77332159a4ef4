// Column strips (sim/src/scheduler.cpp): when an output row of a layer does not fit a partial-sum
// bank's row group, or narrower strips stream less halo, the scheduler cuts the layer into
// strips of output columns, each with its own input columns and column offset (RUN_W, RUN_OW,
// RUN_PAD), as it cuts rows into bands. The tiles must cover every output exactly once, with
// offsets the hardware can take, and the design must compute them bit-exact in the cycles the
// analytic model predicts.
#include <cmath>

#include <fmt/format.h>

#include "sim_test_util.h"
#include "zasgen/sim/design.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/util.h"

namespace zasgen {

namespace {

// tiny.yaml's design with partial-sum banks of 4 words (a 32-wide row needs 11), and a row table
// that takes bitmap rows.
std::string shallow_yaml(const std::string& name, const std::string& format, int index_bits) {
  return fmt::format(R"(name: {}
arch: {{mode: sparse, pes: 4, lanes: 1}}
data: {{act_bits: 8, weight_bits: 8, bias_bits: 16, mult_bits: 16}}
kernel: {{max_r: 3, max_s: 3, strides: [1, 2], max_pad: 1}}
limits: {{max_h: 32, max_w: 32, max_c: 32, max_k: 32}}
sparse: {{format: {}, index_bits: {}}}
memory:
  act_in:  {{capacity_kib: 2, table_kib: 0.125}}
  act_out: {{capacity_kib: 2, table_kib: 0.125}}
  weights: {{capacity_kib: 4, banks: 3}}
  psum:    {{capacity_kib: 1}}
output: {{pool: true}}
)",
                     name, format, index_bits);
}

model::Tensor3 input_for(const model::LayerSpec& l, const ArchParams& p, double sparsity) {
  return model::make_activations(l.c, l.h, l.w, sparsity, model::Pattern::Uniform, 7, p.act_bits);
}

const char* const kLayers[] = {
    "c=5,k=6,h=9,w=32,r=3,s=3,stride=1,pad=1",
    "c=3,k=5,h=12,w=31,r=3,s=3,stride=2,pad=1,pool=2",
    "c=6,k=9,h=13,w=30,r=3,s=3,stride=1,pad=1,pool=2",
    "c=4,k=4,h=7,w=29,r=1,s=1,stride=1,pad=1",
    "c=2,k=3,h=5,w=32,r=2,s=2,stride=2,pad=0",
};

}  // namespace

TEST_CASE("column strips: the tiles cover every output once, with offsets the hardware takes",
          "[sim][strips]") {
  const ArchParams p = test::params_from_text(shallow_yaml("st", "rle", 4), "st.yaml");
  for (const char* spec : kLayers) {
    const model::LayerSpec l = model::parse_layer_spec(spec);
    REQUIRE(model::check_layer_fits(l, p).empty());
    for (const double sparsity : {0.0, 0.9}) {
      INFO(spec << " at " << sparsity);
      const sim::Plan plan = sim::plan_layer(l, p, input_for(l, p, sparsity));
      CHECK(plan.strips > 1);
      CHECK(plan.pitch <= p.psum.depth);
      // Pooling drops the last row and column of an odd output: no tile computes them.
      const int oh = l.pool ? l.out_h() - l.out_h() % 2 : l.out_h();
      const int ow = l.pool ? l.out_w() - l.out_w() % 2 : l.out_w();
      std::vector<int> hits(size_t(l.out_h()) * size_t(l.out_w()), 0);
      for (const sim::Band& b : plan.bands) {
        CHECK(b.yoff >= 0);
        CHECK(b.yoff <= p.max_pad);
        CHECK(b.xoff >= 0);
        CHECK(b.xoff <= p.max_pad);
        CHECK(b.cols <= l.w);
        CHECK(ceil_div(b.ow, p.max_s) <= plan.pitch);
        if (l.pool) CHECK(b.ox0 % 2 == 0);
        for (int y = b.oy0; y < b.oy0 + b.oh; ++y)
          for (int x = b.ox0; x < b.ox0 + b.ow; ++x) ++hits[size_t(y) * l.out_w() + x];
      }
      for (int y = 0; y < l.out_h(); ++y)
        for (int x = 0; x < l.out_w(); ++x) {
          INFO("output row " << y << ", column " << x);
          REQUIRE(hits[size_t(y) * l.out_w() + x] == (y < oh && x < ow ? 1 : 0));
        }
    }
  }
}

TEST_CASE("column strips: a layer whose rows fit the banks keeps whole rows", "[sim][strips]") {
  // 390-word SRAM banks hold 56-column rows; default.yaml's 38-word register banks do not.
  const ArchParams p = test::params_from_file(test::repo_path("configs/psum-sram.yaml"));
  const model::LayerSpec l = model::parse_layer_spec("c=64,k=64,h=56,w=56,r=3,s=3,stride=1,pad=1");
  const sim::Plan plan = sim::plan_layer(l, p, input_for(l, p, 0.9));
  CHECK(plan.strips == 1);
  CHECK(plan.bands.size() == 1);
}

TEST_CASE("column strips: bit-exact in the cycles of the analytic model", "[sim][strips]") {
  struct Variant {
    const char* format;
    int index_bits;
  };
  const std::string dir = test::scratch("column_strips");
  for (const Variant v : {Variant{"rle", 4}, Variant{"coord", 5}, Variant{"bitmap", 8}}) {
    const std::string name = std::string("st_") + v.format;
    const ArchParams p =
        test::params_from_text(shallow_yaml(name, v.format, v.index_bits), name + ".yaml");
    const sim::Design d = sim::prepare_design(p, dir + "/" + name, test::cache_root());
    const sim::Design dd =
        sim::prepare_design(p.dense_twin(), dir + "/" + name + "_dense", test::cache_root());
    for (const char* spec : kLayers)
      for (const double sparsity : {0.0, 0.7}) {
        sim::CaseOptions co;
        co.layer = spec;
        co.sparsity = sparsity;
        co.seed = 11;
        const sim::LayerCase c = sim::make_case(co, p);
        const model::Tensor3 golden = sim::golden_output(c, p);
        for (const sim::Design* design : {&d, &dd}) {
          const sim::DesignResult r = sim::run_design(*design, c, golden);
          INFO(design->params.name << ": " << spec << " at " << sparsity
                                   << ": first mismatch at k=" << r.mismatch.k
                                   << " y=" << r.mismatch.y << " x=" << r.mismatch.x);
          REQUIRE(r.mismatch.count == 0);
          CHECK(r.run.plan.strips > 1);
          CHECK(std::fabs(double(r.model.cycles) / double(r.run.perf.cycles) - 1.0) <= 0.02);
        }
      }
  }
}

}  // namespace zasgen
