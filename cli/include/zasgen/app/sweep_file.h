// A sweep file (`zasgen sweep SWEEP.yaml`): the base configuration every point starts from, the
// axes that move configuration keys, constraints that drop points, the workloads and what to
// measure. Parsed with coded, located diagnostics like a configuration (diag.h, codes E5xx), and
// checked as far as it can be without the points: axis keys against the schema, ranges,
// constraint syntax, workload layers and input files. Each point's configuration is validated
// later, by the planner (sweep_plan.h), with the configuration's own diagnostics.
//
//   base: configs/tiny.yaml            # relative to the current directory
//   description: what the sweep asks   # optional, shown in the report
//   axes:
//     arch.pes: [2, 4, 8]                                    # a list
//     memory.psum.capacity_kib: {from: 4, to: 16, times: 2}  # a range: 4, 8, 16
//     sparse.format, sparse.index_bits: [[coord, 5], [rle, 4], [bitmap, 8]]  # zipped
//     memory.act_in.table_kib: 0.125                         # one value: a plain override
//   constraints:
//     - arch.pes >= 4 or sparse.format != bitmap
//   workloads:
//     - layer: c=16,k=16,h=32,w=32,r=3,s=3,stride=1,pad=1
//       sparsity: [0.5, 0.9]           # one workload per level
//       seed: 7
//     - layer: vgg16                     # every layer of the network (vgg16:conv3_2: one)
//   measure: [sim, area]               # any of model, sim, area, ppa
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/app/sweep_expr.h"
#include "zasgen/diag.h"

namespace zasgen::app {

enum class Measure { Model, Sim, Area, Ppa };
const char* to_string(Measure m);

// One value of an axis key as the grid holds it.
struct GridValue {
  nlohmann::ordered_json json;  // typed: 4, 0.125, "coord", true, [1, 2]
  std::string text;             // a scalar as written (a range's values: as computed)
  bool quoted = false;          // written as a quoted string: stays a string in the config
  SourceLoc loc;                // where it was written (a range's values: the range)
};

// An axis: one configuration key, or several that move together (zipped). steps[i][k] is the
// i-th value of keys[k].
struct Axis {
  std::vector<std::string> keys;
  std::vector<std::vector<GridValue>> steps;
  SourceLoc loc;              // the axis key
  std::string label() const;  // "arch.pes", "sparse.format, sparse.index_bits"
};

struct Constraint {
  std::string text;
  SourceLoc loc;  // the first character of the expression
  Expr expr;
};

// One workload as the points run it: a single layer at one sparsity (a network or a list of
// sparsities in the file becomes several, in the file's order).
struct Workload {
  std::string label;     // column name in sweep.csv: `name`, the network layer, or w<N>
  std::string layer;     // SPEC or network:layer
  double sparsity = -1;  // < 0: the named layer's published figure, else 0.5 (sim/layer_case.h)
  std::string pattern = "uniform";   // uniform | clustered
  uint64_t seed = 1;                 // synthetic input, weights and bias
  std::string ifmap, weights, bias;  // .npy files, relative to the current directory
  std::string inputs_hash;           // of those files' contents ("" without)
  SourceLoc loc;                     // the workload's entry in the sweep file
  int entry = 0;                     // index of that entry under `workloads`

  // What the work depends on (the point's content hash): the layer, sparsity, pattern, seed and
  // the inputs' contents; not the label nor the paths.
  nlohmann::ordered_json identity() const;
  // Everything, for the point's folder (run-point reads it back with from_json).
  nlohmann::ordered_json to_json() const;
  static Workload from_json(const nlohmann::json& j);
};

struct SweepSpec {
  std::string file;         // as given
  std::string stem;         // file stem: the default output folder out/sweeps/<stem>/
  std::string description;  // free text for the report
  std::string base;         // base configuration, as written
  SourceLoc base_loc;
  std::string base_text;  // its contents when parsed
  std::vector<Axis> axes;
  std::vector<Constraint> constraints;
  std::vector<Workload> workloads;
  std::vector<Measure> measure;  // in the order model, sim, area, ppa; no duplicates

  bool measures(Measure m) const;
  // Every key some axis moves, in axis order.
  std::vector<std::string> axis_keys() const;
};

struct SweepParse {
  std::optional<SweepSpec> spec;  // set only when there are no diagnostics
  Diagnostics diags;
  bool ok() const { return spec.has_value(); }
};

// Parses a sweep file (text in memory, named `file` in diagnostics). Reads the base
// configuration and the workloads' .npy files (relative to the current directory).
SweepParse parse_sweep_text(const std::string& text, const std::string& file);
SweepParse parse_sweep_file(const std::string& path);

// Most points a grid may have (after the product, before constraints).
constexpr long long kMaxSweepPoints = 100000;

}  // namespace zasgen::app
