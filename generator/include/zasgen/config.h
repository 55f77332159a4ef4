// The configuration front end: YAML file -> Config (raw values with their locations) ->
// validate() -> ArchParams (checked, derived, immutable). Problems are reported as diagnostics
// (diag.h); nothing here prints or throws for bad input.
//
//   ParseResult pr = parse_config("configs/default.yaml");
//   if (pr.config) { ValidateResult vr = validate(*pr.config); ... vr.params ... }
//
// or both at once with load_config(). The keys, types and ranges come from schema.h; the
// reference is docs/CONFIG.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/diag.h"
#include "zasgen/error.h"
#include "zasgen/schema.h"

namespace zasgen {

// One key as written in the file, already checked against its declared type (not its range).
struct ConfigValue {
  const ParamSpec* spec = nullptr;
  SourceLoc key_loc;  // the key
  SourceLoc loc;      // the value
  std::string text;   // the value as written ("16", "sparse", "[1, 2]"), for messages

  int64_t integer = 0;        // ParamType::Int
  double number = 0;          // ParamType::Number
  bool boolean = false;       // ParamType::Bool
  std::string str;            // ParamType::Enum, ParamType::Name
  std::vector<int64_t> list;  // ParamType::IntList
  std::vector<SourceLoc> item_locs;
  std::vector<std::string> item_texts;
};

// A parsed configuration: the keys present in the file. Absent keys take their defaults in
// validate().
struct Config {
  std::string file;          // as given (diagnostics and ArchParams::source use it)
  uint64_t text_hash = 0;    // fnv1a of the file's bytes (ArchParams::source_hash)
  std::string default_name;  // design name from the file stem, used when `name` is absent
  std::map<std::string, ConfigValue> values;  // dotted path -> value (leaf keys only)
  std::map<std::string, SourceLoc> sections;  // dotted path -> location of the section's key

  const ConfigValue* find(const std::string& path) const;
  bool has(const std::string& path) const { return find(path) != nullptr; }
  // Where to point for `path`: its value if present, else the key of the nearest present
  // enclosing section, else the file without a line.
  SourceLoc where(const std::string& path) const;
};

struct ParseResult {
  std::optional<Config> config;  // set only when there are no diagnostics
  Diagnostics diags;
  bool ok() const { return config.has_value(); }
};

// Reads and parses a file. Reports: unreadable file, YAML syntax, empty document, more than one
// document, non-mapping top level or section, unknown keys (with a suggestion), duplicate keys,
// wrong types and integers that do not fit 64 bits.
ParseResult parse_config(const std::string& path);
// The same for text in memory; `file` is the name used in diagnostics and for the default name.
ParseResult parse_config_text(const std::string& text, const std::string& file);

struct ValidateResult {
  std::optional<ArchParams> params;  // set only when there are no diagnostics
  Diagnostics diags;
  bool ok() const { return params.has_value(); }
};

// Applies defaults, checks every range and every rule between parameters, derives the geometry
// (derive()) and checks that the derived memories hold one row band of the largest layer.
ValidateResult validate(const Config& config);

// parse_config + validate; the diagnostics of whichever stage failed.
ValidateResult load_config(const std::string& path);

// A configuration that does not validate, with its diagnostics (the command line renders them
// as text or JSON).
class ConfigError : public InputError {
 public:
  ConfigError(const std::string& file, Diagnostics diags);
  const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

// load_config for callers that want the parameters or an exception: throws ConfigError.
ArchParams load_params(const std::string& path);

// Design name for a config path: the file stem, lower-cased, other characters -> '_', prefixed
// with "cfg_" if it would not start with a letter.
std::string name_from_path(const std::string& path);
// Any text made into a valid design name the same way.
std::string sanitize_name(const std::string& text);

// The accumulator width that cannot overflow for `terms` products of act_bits x weight_bits
// signed values (exact worst case of the sum).
int min_acc_bits(int64_t terms, int act_bits, int weight_bits);

// Input rows of the smallest row band the memories must hold (ARCH 4): max_r, plus the largest
// stride when pooling (two output rows).
int band_rows(const ArchParams& p);

}  // namespace zasgen
