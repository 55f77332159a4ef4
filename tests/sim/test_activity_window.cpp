// The activity window of `zasgen synth` (flow/ppa.h): a layer too large for the coverage build
// is sampled by its first input rows, of the same tensors, within the cycle budget.
#include <cstring>

#include "sim_test_util.h"
#include "zasgen/app/ppa.h"
#include "zasgen/sim/cycle_model.h"

namespace zasgen {

TEST_CASE("the activity window keeps small layers and samples large ones", "[sim][ppa]") {
  const ArchParams p = test::params_from_file(test::repo_path("configs/default.yaml"));
  const ArchParams dense = p.dense_twin();
  sim::CaseOptions co;
  co.layer = "c=32,k=32,h=40,w=36,r=3,s=3,stride=1,pad=1";
  co.sparsity = 0.9;
  const sim::LayerCase full = sim::make_case(co, p);
  const uint64_t full_cycles = sim::estimate_layer(full.layer, dense, full.sparsity).cycles;

  SECTION("a layer within the budget is its own window") {
    const sim::LayerCase w = app::activity_window(full, dense, full_cycles);
    CHECK(w.layer == full.layer);
    CHECK(w.name == full.name);
    CHECK(w.in.act == full.in.act);
  }

  SECTION("a larger layer keeps as many leading rows as the budget allows") {
    const uint64_t budget = full_cycles / 4;
    const sim::LayerCase w = app::activity_window(full, dense, budget);
    CHECK(w.layer.h < full.layer.h);
    CHECK(w.layer.h >= full.layer.r + full.layer.stride);
    model::LayerSpec l = w.layer;
    CHECK(sim::estimate_layer(l, dense, full.sparsity).cycles <= budget);
    ++l.h;
    CHECK(sim::estimate_layer(l, dense, full.sparsity).cycles > budget);
    // Only the height changes; the tensors are the layer's own, cut after the window's rows.
    l = full.layer;
    l.h = w.layer.h;
    CHECK(w.layer == l);
    CHECK(w.in.weights == full.in.weights);
    CHECK(w.in.bias == full.in.bias);
    REQUIRE(w.in.act.channels() == full.in.act.channels());
    REQUIRE(w.in.act.height() == w.layer.h);
    REQUIRE(w.in.act.width() == full.in.act.width());
    for (int c = 0; c < w.in.act.channels(); ++c)
      for (int y = 0; y < w.layer.h; ++y)
        for (int x = 0; x < w.in.act.width(); ++x)
          REQUIRE(w.in.act(c, y, x) == full.in.act(c, y, x));
    CHECK(w.name.find("first " + std::to_string(w.layer.h) + " of 40 input rows") !=
          std::string::npos);
  }

  SECTION("a budget below the smallest window still gives the smallest window") {
    const sim::LayerCase w = app::activity_window(full, dense, 1);
    CHECK(w.layer.h == full.layer.r + full.layer.stride);
  }
}

}  // namespace zasgen
