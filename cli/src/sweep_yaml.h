// YAML helpers shared by the sweep file parser and the planner (private to zasgen_app): typed
// values of scalars by YAML 1.2 core-schema rules (as the configuration parser reads them),
// dotted lookup, and the writer of a point's configuration.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "zasgen/app/sweep_file.h"
#include "zasgen/diag.h"

namespace zasgen::app::sweep_yaml {

// A YAML node as a typed value: integers, fractions, booleans, null, strings (quoted scalars
// are always strings), lists and mappings.
nlohmann::ordered_json to_json(const YAML::Node& n);

// Whether a scalar was written quoted.
bool quoted(const YAML::Node& n);

// 1-based location of a node in `file`.
SourceLoc loc(const std::string& file, const YAML::Mark& m);

// The node at a dotted path of a tree of mappings, or an invalid node when absent.
YAML::Node find(const YAML::Node& root, const std::string& dotted);

// The base configuration's tree with `overrides` (dotted key -> value) applied, written as
// YAML: mappings in block style in their original order (a key that was absent is appended to
// its section, sections created as needed, in the order given), lists in flow style, scalars
// as written (strings quoted where YAML needs it). `name` is set to `default_name` when the
// base has none, so that the design is named the same wherever the file is read from.
// Comments are not kept.
std::string write_config(const YAML::Node& base,
                         const std::vector<std::pair<std::string, GridValue>>& overrides,
                         const std::string& default_name);

// A grid value as YAML text (4, 0.125, coord, "5", [1, 2]).
std::string value_yaml(const GridValue& v);

}  // namespace zasgen::app::sweep_yaml
