// The grid of a sweep: every combination of the axes' values (the first axis varies slowest),
// minus the points a constraint drops, each made into a configuration (the base with the
// point's overrides), validated with the configuration's own diagnostics, and keyed by a
// content hash of what its results depend on. The point's folder is points/<hash>/ under the
// sweep folder, so a rerun, or an edited sweep file that still holds the point, finds its
// results there whatever the point's index.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/app/sweep_file.h"
#include "zasgen/arch_params.h"
#include "zasgen/diag.h"

namespace zasgen::app {

struct PlannedPoint {
  int index = 0;                  // grid order, counting only kept points
  nlohmann::ordered_json params;  // axis key -> value, in axis order (the contract's `params`)
  std::vector<std::pair<std::string, GridValue>> overrides;  // the same, with how they read
  std::string config_text;                                   // the point's config.yaml
  std::string hash;  // 16 hex digits: (config text, workloads, measures, tool version)
  std::string dir;   // "points/<hash>", relative to the sweep folder
  // Why the point cannot run, as diagnostics: its configuration's (file points/<hash>/config.yaml)
  // or a workload that does not fit it (pointing into the sweep file). Empty: it is valid.
  Diagnostics diags;
  std::optional<ArchParams> params_valid;  // the validated configuration (when it validates)
  bool valid() const { return diags.empty(); }
  // "arch.pes=4 sparse.format=coord": the values of the axes that vary (one-value axes are the
  // same at every point and left out)
  std::string label;
  const std::string& describe() const { return label; }
};

struct SweepPlan {
  std::vector<PlannedPoint> points;
  long long grid = 0;                 // combinations before constraints
  std::vector<long long> dropped_by;  // per constraint: points it dropped (first that did)
  std::string tool_version;
};

// Expands, filters, writes each point's configuration text, validates it and hashes it. A
// constraint that cannot be evaluated on some point (a type error), or constraints that drop
// every point, are errors of the sweep file: reported in `diags`, and the plan is empty.
SweepPlan plan_sweep(const SweepSpec& s, const std::string& tool_version, Diagnostics& diags);

// The design name of points whose base configuration has none (the base file's stem).
std::string default_design_name(const SweepSpec& s);

}  // namespace zasgen::app
