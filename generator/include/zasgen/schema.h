// The configuration schema: every key a config file may hold, its type, static range, default
// and documentation. One table drives the parser (known keys, types), the validator (static
// ranges), "did you mean" hints and the reference in docs/CONFIG.md (`zasgen check --schema`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zasgen {

enum class ParamType {
  Section,  // a mapping of further keys
  Int,      // integer within [lo, hi]
  Number,   // integer or fraction within [lo, hi] (lo excluded when lo_open)
  Bool,     // true | false
  Enum,     // one of `choices`
  Name,     // a design name, [a-z][a-z0-9_]*
  IntList,  // list of integers, each one of `choices`
};

struct ParamSpec {
  std::string path;  // dotted: "arch.pes", "memory.act_in.capacity_kib"
  ParamType type = ParamType::Int;
  double lo = 0, hi = 0;  // static bounds; validate() adds the ones that depend on other keys
  bool lo_open = false;
  std::vector<std::string> choices;  // Enum values, IntList item values
  std::string default_doc;           // how the default is chosen, for people
  std::string accepted_doc;          // accepted values for people; empty: from lo/hi/choices
  std::string doc;                   // what it means

  std::string key() const;     // last path component
  std::string parent() const;  // path without the last component ("" at top level)
};

// Every section and key, in documentation order.
const std::vector<ParamSpec>& config_schema();
const ParamSpec* find_param(std::string_view path);
// The keys directly under `section` ("" for the top level), in schema order.
std::vector<const ParamSpec*> schema_children(std::string_view section);

// The static accepted values: "1..256", "sparse | dense", "(0, 65536]", "true | false".
std::string static_range_text(const ParamSpec& p);
// What a person is told is accepted (accepted_doc without Markdown, or the static range).
std::string accepted_text(const ParamSpec& p);
// "an integer", "a number", "true or false", ... for type messages.
std::string type_noun(ParamType t);

// The candidate closest to `word` for a "did you mean" hint: case-insensitive edit distance of
// at most a third of the length (at least 1), or a prefix of 3+ characters; "" when none is.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// The reference table of docs/CONFIG.md, as Markdown.
std::string schema_markdown();

// Largest capacity_kib / table_kib accepted (64 MiB keeps every bank depth within int range).
constexpr double kMaxCapacityKib = 65536;

}  // namespace zasgen
