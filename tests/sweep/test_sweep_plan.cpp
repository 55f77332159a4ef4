// Grid expansion (product, zip, ranges, constraints), the points' configurations and
// hashes, and invalid points.
#include <catch2/catch.hpp>

#include "sweep_test_util.h"
#include "zasgen/app/sweep.h"
#include "zasgen/app/sweep_plan.h"
#include "zasgen/config.h"

using namespace zasgen;
using namespace zasgen::app;
using zasgen::test::codes;
using zasgen::test::parse;
using zasgen::test::tiny_sweep;

namespace {

SweepPlan plan_of(const std::string& text, Diagnostics* out = nullptr,
                  const std::string& tool = "test") {
  const SweepParse r = parse(text);
  INFO(render_text(r.diags));
  REQUIRE(r.ok());
  Diagnostics d;
  SweepPlan p = plan_sweep(*r.spec, tool, d);
  if (out) *out = d;
  return p;
}

std::string param(const PlannedPoint& p, const char* key) {
  const auto& v = p.params[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

TEST_CASE("the grid is the product of the axes, the first varying slowest", "[sweep][plan]") {
  const SweepPlan p = plan_of(tiny_sweep(R"(
axes:
  arch.pes: [2, 4]
  sparse.format, sparse.index_bits: [[rle, 4], [rle, 2], [bitmap, 8]]
  memory.psum.capacity_kib: {from: 6, to: 12, step: 6}
  memory.act_in.table_kib, memory.act_out.table_kib: [[0.125, 0.125]]
measure: [area]
)"));
  CHECK(p.grid == 12);
  REQUIRE(p.points.size() == 12);
  std::vector<std::string> got;
  for (const PlannedPoint& x : p.points)
    got.push_back(param(x, "arch.pes") + "/" + param(x, "sparse.format") +
                  param(x, "sparse.index_bits") + "/" + param(x, "memory.psum.capacity_kib"));
  const std::vector<std::string> want = {
      "2/rle4/6", "2/rle4/12", "2/rle2/6", "2/rle2/12", "2/bitmap8/6", "2/bitmap8/12",
      "4/rle4/6", "4/rle4/12", "4/rle2/6", "4/rle2/12", "4/bitmap8/6", "4/bitmap8/12"};
  CHECK(got == want);
  for (std::size_t i = 0; i < p.points.size(); ++i) CHECK(p.points[i].index == int(i));
  // params keep the axis order, zipped keys side by side, typed as written
  const auto& params = p.points[5].params;
  std::vector<std::string> keys;
  for (const auto& [k, v] : params.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"arch.pes", "sparse.format", "sparse.index_bits",
                                         "memory.psum.capacity_kib", "memory.act_in.table_kib",
                                         "memory.act_out.table_kib"});
  CHECK(params["arch.pes"].is_number_integer());
  CHECK(params["sparse.format"].is_string());
  // every point is valid here, and its configuration holds its values
  for (const PlannedPoint& x : p.points) {
    INFO(render_text(x.diags));
    REQUIRE(x.valid());
    CHECK(x.params_valid->pes == x.params["arch.pes"].get<int>());
    CHECK(x.params_valid->psum_kib == x.params["memory.psum.capacity_kib"].get<double>());
    CHECK(to_string(x.params_valid->format) == x.params["sparse.format"].get<std::string>());
    CHECK(x.params_valid->index_bits == x.params["sparse.index_bits"].get<int>());
    CHECK(x.params_valid->name == "tiny");  // the base's name
  }
}

TEST_CASE("constraints drop points and are counted", "[sweep][plan]") {
  const SweepPlan p = plan_of(tiny_sweep(R"(
axes:
  arch.pes: [2, 4, 8]
  sparse.format: [rle, bitmap]
constraints:
  - arch.pes >= 4 or sparse.format != bitmap
  - not (arch.pes == 8 and sparse.format in [rle])
measure: [area]
)"));
  CHECK(p.grid == 6);
  REQUIRE(p.points.size() == 4);
  CHECK(p.dropped_by == std::vector<long long>{1, 1});
  std::vector<std::string> got;
  for (const PlannedPoint& x : p.points)
    got.push_back(param(x, "arch.pes") + param(x, "sparse.format"));
  CHECK(got == std::vector<std::string>{"2rle", "4rle", "4bitmap", "8bitmap"});
  CHECK(p.points[3].index == 3);
}

TEST_CASE("constraints that fail to evaluate or drop everything are sweep-file errors",
          "[sweep][plan]") {
  Diagnostics d;
  const SweepPlan p = plan_of(
      tiny_sweep("axes: {sparse.format: [rle, bitmap]}\nconstraints: ['sparse.format > 2']\n"
                 "measure: [area]\n"),
      &d);
  CHECK(p.points.empty());
  CHECK(codes(d) == "E512");
  CHECK(d[0].loc.line == 3);
  Diagnostics e;
  plan_of(tiny_sweep("axes: {arch.pes: [2, 4]}\nconstraints: ['arch.pes > 8']\nmeasure: [area]\n"),
          &e);
  CHECK(codes(e) == "E513");
  Diagnostics f;
  plan_of(tiny_sweep("axes: {arch.pes: [2, 4]}\nconstraints: ['arch.pes']\nmeasure: [area]\n"), &f);
  CHECK(codes(f) == "E512");  // a number is not true or false
}

TEST_CASE("invalid points carry their configuration's diagnostics", "[sweep][plan]") {
  // tiny.yaml's maps are 32 wide: coord needs index_bits >= 5
  const SweepPlan p = plan_of(tiny_sweep(R"(
axes:
  sparse.format: [coord]
  sparse.index_bits: [5, 4]
  memory.act_in.table_kib: [0.125]
measure: [area]
)"));
  REQUIRE(p.points.size() == 2);
  CHECK(p.points[0].valid());
  REQUIRE_FALSE(p.points[1].valid());
  CHECK(codes(p.points[1].diags) == "E302");
  // located in the point's own config.yaml, which holds the offending value at that line
  const Diagnostic& d = p.points[1].diags[0];
  CHECK(d.loc.file == p.points[1].dir + "/config.yaml");
  const std::string* line = p.points[1].diags.source_line(d.loc.file, d.loc.line);
  REQUIRE(line);
  CHECK(line->find("index_bits: 4") != std::string::npos);
}

TEST_CASE("a workload that does not fit a valid point makes it invalid", "[sweep][plan]") {
  const SweepPlan p = plan_of(tiny_sweep(R"(
axes:
  limits.max_c: [32, 8]
workloads:
  - layer: c=16,k=8,h=8,w=8
measure: [model]
)"));
  REQUIRE(p.points.size() == 2);
  CHECK(p.points[0].valid());
  CHECK(codes(p.points[1].diags) == "E519");
  CHECK(p.points[1].diags[0].loc.file == "s.yaml");
  CHECK(p.points[1].diags[0].loc.line == 6);
}

TEST_CASE("a point's configuration is the base with its overrides", "[sweep][plan]") {
  const SweepPlan p = plan_of(tiny_sweep(R"(
axes:
  memory.act_in.table_kib: 0.125
  output.pool: [false]
  kernel.strides: [[1]]
  clock.target_mhz: 150
measure: [area]
)"));
  REQUIRE(p.points.size() == 1);
  const std::string& text = p.points[0].config_text;
  // flow mappings of the base take the override; other keys of the base stay as they were
  const ParseResult pr = parse_config_text(text, "config.yaml");
  INFO(text);
  REQUIRE(pr.ok());
  const ValidateResult vr = validate(*pr.config);
  REQUIRE(vr.ok());
  CHECK(vr.params->act_in_table_kib == 0.125);
  CHECK(vr.params->act_in_kib == 2);  // from the base, same flow mapping
  CHECK(vr.params->act_out_table_kib == 0.0625);
  CHECK(vr.params->pool == false);
  CHECK(vr.params->strides == std::vector<int>{1});
  CHECK(vr.params->target_mhz == 150);
  CHECK(vr.params->format == Format::Rle);  // base value
  // the header says what was overridden
  CHECK(text.rfind("# A point of a zasgen sweep", 0) == 0);
  CHECK(text.find("#   output.pool: false") != std::string::npos);
}

TEST_CASE("point hashes follow the content: configuration, workloads, measures, tools",
          "[sweep][plan]") {
  const std::string axes = "axes: {arch.pes: [2, 4]}\n";
  const std::string wl = "workloads: [{layer: 'c=6,k=5,h=10,w=9', sparsity: 0.7}]\n";
  const SweepPlan a = plan_of(tiny_sweep(axes + wl + "measure: [model]\n"));
  const SweepPlan same = plan_of(tiny_sweep(axes + wl + "measure: [model]\n"));
  // another axis order gives the same points (in another order) and the same hashes
  const SweepPlan reordered =
      plan_of(tiny_sweep("axes: {arch.pes: [4, 2]}\n" + wl + "measure: [model]\n"));
  const SweepPlan other_wl = plan_of(tiny_sweep(
      axes + "workloads: [{layer: 'c=6,k=5,h=10,w=9', sparsity: 0.8}]\nmeasure: [model]\n"));
  const SweepPlan other_measure = plan_of(tiny_sweep(axes + wl + "measure: [model, area]\n"));
  const SweepPlan other_tool =
      plan_of(tiny_sweep(axes + wl + "measure: [model]\n"), nullptr, "test 2");
  REQUIRE(a.points.size() == 2);
  CHECK(a.points[0].hash.size() == 16);
  CHECK(a.points[0].hash != a.points[1].hash);
  CHECK(a.points[0].hash == same.points[0].hash);
  CHECK(a.points[0].dir == "points/" + a.points[0].hash);
  CHECK(reordered.points[1].hash == a.points[0].hash);
  CHECK(reordered.points[0].hash == a.points[1].hash);
  CHECK(other_wl.points[0].hash != a.points[0].hash);
  CHECK(other_measure.points[0].hash != a.points[0].hash);
  CHECK(other_tool.points[0].hash != a.points[0].hash);
}

TEST_CASE("run order: largest designs first, dense twins spread apart", "[sweep][plan]") {
  const SweepPlan p = plan_of(tiny_sweep(R"(
axes:
  arch.pes: [2, 4]
  sparse.format, sparse.index_bits: [[rle, 5], [coord, 5]]
workloads: [{layer: 'c=6,k=5,h=10,w=9'}]
measure: [sim, area]
)"));
  REQUIRE(p.points.size() == 4);
  std::vector<const PlannedPoint*> all;
  for (const PlannedPoint& x : p.points) all.push_back(&x);
  auto indices = [](const std::vector<const PlannedPoint*>& v) {
    std::vector<int> out;
    for (const PlannedPoint* x : v) out.push_back(x->index);
    return out;
  };
  CHECK(indices(run_order(all, false, false)) == std::vector<int>{0, 1, 2, 3});
  // synthesis: 4 PEs before 2, grid order among equals
  CHECK(indices(run_order(all, false, true)) == std::vector<int>{2, 3, 0, 1});
  // simulation: points 0 and 1 share a dense twin (the format does not reach it; the index
  // width would, through the ID register), so do 2 and 3: one of each pair first
  CHECK(indices(run_order(all, true, false)) == std::vector<int>{0, 2, 1, 3});
  CHECK(indices(run_order(all, true, true)) == std::vector<int>{2, 0, 3, 1});
}
