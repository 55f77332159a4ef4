// docs/CONFIG.md embeds the schema table and the code table generated from the same data the
// tool uses (`zasgen check --schema`, `zasgen check --codes`); this keeps them in sync.
#include <catch2/catch.hpp>

#include "config_test_util.h"
#include "zasgen/diag.h"
#include "zasgen/schema.h"

using namespace zasgen;

namespace {

std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  const auto b = text.find(begin);
  const auto e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return "(markers missing)";
  const auto start = text.find('\n', b) + 1;
  return text.substr(start, e - start);
}

}  // namespace

TEST_CASE("docs/CONFIG.md holds the generated schema and code tables", "[schema]") {
  const std::string doc = test::read_text(test::repo_path("docs/CONFIG.md"));
  INFO("regenerate with: zasgen check --schema / zasgen check --codes");
  CHECK(between(doc, "<!-- BEGIN SCHEMA", "<!-- END SCHEMA") == schema_markdown());
  CHECK(between(doc, "<!-- BEGIN CODES", "<!-- END CODES") == diag_codes_markdown());
}

TEST_CASE("the schema is well formed", "[schema]") {
  for (const auto& p : config_schema()) {
    INFO(p.path);
    CHECK(find_param(p.path) == &p);
    if (!p.parent().empty()) {
      REQUIRE(find_param(p.parent()));
      CHECK(find_param(p.parent())->type == ParamType::Section);
    }
    CHECK_FALSE(p.doc.empty());
    if (p.type != ParamType::Section) CHECK_FALSE(p.default_doc.empty());
    if (p.type == ParamType::Int || p.type == ParamType::Number) CHECK(p.lo <= p.hi);
    if (p.type == ParamType::Enum) CHECK_FALSE(p.choices.empty());
  }
  CHECK(schema_children("").size() == 9);  // name + 8 sections
}

TEST_CASE("every key of default.yaml is in the schema and the default config sets them all",
          "[schema]") {
  const ParseResult r = parse_config(test::repo_path("configs/default.yaml"));
  REQUIRE(r.ok());
  for (const auto& p : config_schema()) {
    if (p.type == ParamType::Section) continue;
    // The derived bank counts are left out on purpose.
    if (p.key() == "banks" && p.parent() != "memory.weights") continue;
    INFO(p.path);
    CHECK(r.config->has(p.path));
  }
}
