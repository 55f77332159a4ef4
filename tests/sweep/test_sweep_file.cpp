// Sweep files: what a good one parses to, and the coded, located diagnostics of bad ones.
#include <catch2/catch.hpp>

#include "sweep_test_util.h"

using namespace zasgen;
using namespace zasgen::app;
using zasgen::test::codes;
using zasgen::test::parse;
using zasgen::test::tiny_sweep;

TEST_CASE("a sweep file parses into axes, constraints, workloads and measures", "[sweep][file]") {
  const SweepParse r = parse(tiny_sweep(R"(
description: formats against PEs
axes:
  arch.pes: [2, 4, 8]
  sparse.format, sparse.index_bits: [[coord, 5], [rle, 4], [bitmap, 8]]
  memory.psum.capacity_kib: {from: 4, to: 16, times: 2}
  clock.target_mhz: {from: 100, to: 120, step: 7.5}
  memory.act_in.table_kib: 0.125
  kernel.strides: [[1], [1, 2]]
  name: ["x7"]
constraints:
  - arch.pes >= 4 or sparse.format != bitmap
workloads:
  - layer: c=6,k=5,h=10,w=9
    sparsity: [0.5, 0.9]
    seed: 3
  - vgg16:conv3_2
  - layer: c=4,k=4,h=8,w=8
    name: small
    pattern: clustered
measure: [area, sim, sim]
)"));
  INFO(render_text(r.diags));
  REQUIRE(r.ok());
  const SweepSpec& s = *r.spec;
  CHECK(s.description == "formats against PEs");
  REQUIRE(s.axes.size() == 7);
  CHECK(s.axes[0].keys == std::vector<std::string>{"arch.pes"});
  CHECK(s.axes[0].steps.size() == 3);
  CHECK(s.axes[0].steps[2][0].json == 8);
  CHECK(s.axes[0].loc.line == 5);
  // zipped: two keys moving together
  CHECK(s.axes[1].keys == std::vector<std::string>{"sparse.format", "sparse.index_bits"});
  REQUIRE(s.axes[1].steps.size() == 3);
  CHECK(s.axes[1].steps[1][0].json == "rle");
  CHECK(s.axes[1].steps[1][1].json == 4);
  CHECK(s.axes[1].label() == "sparse.format, sparse.index_bits");
  // geometric range: integers
  REQUIRE(s.axes[2].steps.size() == 3);
  CHECK(s.axes[2].steps[0][0].json == 4);
  CHECK(s.axes[2].steps[2][0].json == 16);
  CHECK(s.axes[2].steps[2][0].json.is_number_integer());
  // arithmetic range with a fractional step: 100, 107.5, 115 (120 is not reached)
  REQUIRE(s.axes[3].steps.size() == 3);
  CHECK(s.axes[3].steps[1][0].text == "107.5");
  // a scalar is a one-value axis
  REQUIRE(s.axes[4].steps.size() == 1);
  CHECK(s.axes[4].steps[0][0].json == 0.125);
  // list values of a list key
  REQUIRE(s.axes[5].steps.size() == 2);
  CHECK(s.axes[5].steps[1][0].json == nlohmann::ordered_json::array({1, 2}));
  CHECK(s.axes[6].steps[0][0].quoted);
  REQUIRE(s.constraints.size() == 1);
  // workloads: a sparsity list makes one workload per level, in order; labels are unique
  REQUIRE(s.workloads.size() == 4);
  CHECK(s.workloads[0].label == "w1@0.5");
  CHECK(s.workloads[1].label == "w1@0.9");
  CHECK(s.workloads[0].layer == "c=6,k=5,h=10,w=9,r=3,s=3,stride=1,pad=1");  // canonical
  CHECK(s.workloads[1].sparsity == 0.9);
  CHECK(s.workloads[1].seed == 3);
  CHECK(s.workloads[2].label == "conv3_2");
  CHECK(s.workloads[2].layer == "vgg16:conv3_2");
  CHECK(s.workloads[2].sparsity < 0);  // the published figure
  CHECK(s.workloads[3].label == "small");
  CHECK(s.workloads[3].pattern == "clustered");
  // measures: sorted, no duplicates
  CHECK(s.measure == std::vector<Measure>{Measure::Sim, Measure::Area});
}

TEST_CASE("a whole network is one workload per layer", "[sweep][file]") {
  const SweepParse r = parse(tiny_sweep("workloads: [vgg16]\nmeasure: [model]\n"));
  REQUIRE(r.ok());
  REQUIRE(r.spec->workloads.size() == 13);
  CHECK(r.spec->workloads.front().label == "conv1_1");
  CHECK(r.spec->workloads.back().layer == "vgg16:conv5_3");
  // no axes: a single point, the base itself
  CHECK(r.spec->axes.empty());
}

TEST_CASE("workload identity: the work, not its label nor its paths", "[sweep][file]") {
  const SweepParse a = parse(
      tiny_sweep("workloads: [{layer: 'c=6,k=5,h=10,w=9', name: a, seed: 2}]\nmeasure: [model]\n"));
  const SweepParse b = parse(tiny_sweep(
      "workloads: [{layer: 'c=6,k=5,h=10,w=9,r=3', name: b, seed: 2}]\nmeasure: [model]\n"));
  const SweepParse c = parse(
      tiny_sweep("workloads: [{layer: 'c=6,k=5,h=10,w=9', name: a, seed: 3}]\nmeasure: [model]\n"));
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK(a.spec->workloads[0].identity() == b.spec->workloads[0].identity());
  CHECK(a.spec->workloads[0].identity() != c.spec->workloads[0].identity());
  const Workload back = Workload::from_json(a.spec->workloads[0].to_json());
  CHECK(back.identity() == a.spec->workloads[0].identity());
  CHECK(back.label == "a");
}

struct BadCase {
  const char* name;
  std::string text;
  const char* code;  // of the first diagnostic
  int line;          // where it points (0: do not check)
};

TEST_CASE("bad sweep files get coded, located diagnostics", "[sweep][file]") {
  const std::string base = "base: " + test::repo_path("configs/tiny.yaml") + "\n";
  const std::vector<BadCase> cases = {
      {"yaml syntax", base + "axes: [1, 2\n", "E002", 0},
      {"missing base", "axes: {arch.pes: [2]}\nmeasure: [area]\n", "E502", 0},
      {"base unreadable", "base: no/such.yaml\nmeasure: [area]\n", "E503", 1},
      {"unknown top key", base + "axis: {arch.pes: [2]}\nmeasure: [area]\n", "E102", 2},
      {"axis not a config key", base + "axes:\n  arch.pez: [2]\nmeasure: [area]\n", "E504", 3},
      {"axis is a section", base + "axes:\n  arch: [2]\nmeasure: [area]\n", "E504", 3},
      {"empty axis", base + "axes:\n  arch.pes: []\nmeasure: [area]\n", "E505", 3},
      {"key on two axes",
       base + "axes:\n  arch.pes: [2]\n  sparse.format, arch.pes: [[rle, 4]]\nmeasure: [area]\n",
       "E506", 4},
      {"bad range", base + "axes:\n  arch.pes: {from: 2, to: 8}\nmeasure: [area]\n", "E507", 3},
      {"range going the wrong way",
       base + "axes:\n  arch.pes: {from: 8, to: 2, step: 1}\nmeasure: [area]\n", "E507", 3},
      {"zip arity",
       base + "axes:\n  sparse.format, sparse.index_bits:\n    - [coord, 5]\n    - [rle]\n"
              "measure: [area]\n",
       "E508", 5},
      {"constraint syntax",
       base + "axes: {arch.pes: [2, 4]}\nconstraints: ['arch.pes >']\nmeasure: [area]\n", "E510",
       3},
      {"constraint on an unknown key",
       base + "axes: {arch.pes: [2, 4]}\nconstraints: ['arch.pez > 2']\nmeasure: [area]\n", "E511",
       3},
      {"no measure", base + "axes: {arch.pes: [2]}\n", "E518", 0},
      {"bad measure", base + "measure: [area, simm]\n", "E202", 2},
      {"sim without workloads", base + "measure: [sim]\n", "E517", 2},
      {"bad layer", base + "workloads: [{layer: 'c=6,k=5'}]\nmeasure: [sim]\n", "E514", 2},
      {"unknown network layer", base + "workloads: [vgg16:conv9_9]\nmeasure: [sim]\n", "E514", 2},
      {"sparsity out of range",
       base + "workloads:\n  - layer: c=6,k=5,h=10,w=9\n    sparsity: 1.5\nmeasure: [sim]\n",
       "E201", 4},
      {"unreadable ifmap",
       base + "workloads:\n  - layer: c=6,k=5,h=10,w=9\n    ifmap: nope.npy\nmeasure: [sim]\n",
       "E515", 4},
      {"unknown workload key",
       base + "workloads:\n  - layer: c=6,k=5,h=10,w=9\n    sparsty: 0.5\nmeasure: [sim]\n", "E102",
       4},
  };
  for (const BadCase& c : cases) {
    SECTION(c.name) {
      const SweepParse r = parse(c.text);
      INFO(render_text(r.diags));
      REQUIRE_FALSE(r.ok());
      REQUIRE(r.diags.size() >= 1);
      CHECK(std::string(diag_info(r.diags[0].code).id) == c.code);
      CHECK(r.diags[0].loc.file == "s.yaml");
      if (c.line) CHECK(r.diags[0].loc.line == c.line);
    }
  }
}

TEST_CASE("diagnostics name what would be accepted", "[sweep][file]") {
  const SweepParse r = parse(tiny_sweep("axes:\n  arch.pez: [2]\nmeasure: [area]\n"));
  REQUIRE(r.diags.size() == 1);
  CHECK(diag_hint(r.diags[0]) == "did you mean 'arch.pes'?");
  // the column of a constraint's problem is inside the expression
  const SweepParse c = parse(tiny_sweep(
      "axes: {arch.pes: [2, 4]}\nconstraints:\n  - \"arch.pes > 2 and sparse.formt == rle\"\n"
      "measure: [area]\n"));
  REQUIRE(c.diags.size() == 1);
  CHECK(test::codes(c.diags) == "E511");
  CHECK(c.diags[0].loc.col == 5 + 1 + 17);  // the quote's column, past it, the key's offset
  CHECK(diag_hint(c.diags[0]) == "did you mean 'sparse.format'?");
}

TEST_CASE("a constraint may read keys of the base configuration", "[sweep][file]") {
  // limits.max_w is set in tiny.yaml, not on an axis
  const SweepParse r =
      parse(tiny_sweep("axes: {arch.pes: [2, 4]}\nconstraints: ['arch.pes * 8 <= limits.max_w']\n"
                       "measure: [area]\n"));
  INFO(render_text(r.diags));
  CHECK(r.ok());
  // data.acc_bits is not (tiny.yaml leaves it to its default): the constraint cannot read it
  const SweepParse u = parse(tiny_sweep(
      "axes: {arch.pes: [2, 4]}\nconstraints: ['data.acc_bits > 20']\nmeasure: [area]\n"));
  CHECK(codes(u.diags) == "E511");
}
