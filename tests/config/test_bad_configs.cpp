// tests/bad_configs/*.yaml: each starts with "# expect: E<code> line <N>"; validation must report
// that code first, at that line, and `zasgen check` must exit 1 without printing a summary.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "config_test_util.h"
#include "zasgen/schema.h"

using namespace zasgen;
namespace fs = std::filesystem;

namespace {

struct BadConfig {
  std::string path;
  std::string code;
  int line = 0;
};

std::vector<BadConfig> bad_configs() {
  std::vector<BadConfig> out;
  const std::regex header("# expect: (E[0-9]{3}) line ([0-9]+)\\s*");
  for (const auto& e : fs::directory_iterator(std::string(ZASGEN_TEST_DIR) + "/bad_configs")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string text = test::read_text(e.path().string());
    const std::string first = text.substr(0, text.find('\n'));
    std::smatch m;
    BadConfig b;
    b.path = e.path().string();
    if (std::regex_match(first, m, header)) {
      b.code = m[1];
      b.line = std::stoi(m[2]);
    }
    out.push_back(b);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.path < b.path; });
  return out;
}

}  // namespace

TEST_CASE("every bad config is rejected with its expected code and line", "[bad_configs]") {
  const auto all = bad_configs();
  REQUIRE(all.size() >= 30);
  for (const BadConfig& b : all) {
    INFO(b.path);
    REQUIRE_FALSE(b.code.empty());  // the header is present and well formed
    const ValidateResult r = load_config(b.path);
    INFO(render_text(r.diags));
    CHECK_FALSE(r.ok());
    REQUIRE(r.diags.size() >= 1);
    CHECK(diag_info(r.diags[0].code).id == b.code);
    CHECK(r.diags[0].loc.line == b.line);
    CHECK(r.diags[0].loc.file == b.path);
    if (b.line > 0) {
      CHECK(render_text(r.diags[0]).rfind(b.path + ":" + std::to_string(b.line) + ":", 0) == 0);
    }
  }
}

TEST_CASE("zasgen check exits 1 on every bad config and 0 on none", "[bad_configs][cli]") {
  for (const BadConfig& b : bad_configs()) {
    INFO(b.path);
    CHECK(test::run_zasgen("check '" + b.path + "'") == 1);
  }
  // One bad file among good ones still fails the whole run.
  const std::string good = test::repo_path("configs/default.yaml");
  CHECK(test::run_zasgen("check '" + good + "' '" + bad_configs()[0].path + "'") == 1);
  CHECK(test::run_zasgen("check no/such/file.yaml") == 1);
  CHECK(test::run_zasgen("check '" + good + "'") == 0);
  // Usage errors are 2.
  CHECK(test::run_zasgen("check") == 2);
  CHECK(test::run_zasgen("check --no-such-option '" + good + "'") == 2);
  CHECK(test::run_zasgen("") == 2);
}

TEST_CASE("the bad configs cover every diagnostic a file can cause", "[bad_configs]") {
  std::set<std::string> covered;
  for (const BadConfig& b : bad_configs()) covered.insert(b.code);
  for (const DiagInfo& d : all_diags()) {
    const std::string id = d.id;
    // A missing file; a file over the size limit (test_robust_config.cpp makes one); the
    // count of diagnostics beyond the cap (never the first); sweep files (tests/sweep covers
    // them); internal errors.
    if (id == "E001" || id == "E008" || id == "E014" || id[1] == '5' || id[1] == '9') continue;
    INFO(id << " " << d.name);
    CHECK(covered.count(id) == 1);
  }
}

TEST_CASE("zasgen check output: diagnostics on stderr only, summary on success", "[cli]") {
  const fs::path dir = fs::temp_directory_path() / "zasgen_test_config_cli";
  fs::create_directories(dir);
  const std::string bad = std::string(ZASGEN_TEST_DIR) + "/bad_configs/unknown_nested_key.yaml";
  const test::RunResult text = test::run_zasgen_capture("check '" + bad + "'", dir.string());
  CHECK(text.status == 1);
  CHECK(text.out.empty());
  CHECK(text.err.rfind(bad + ":5:3: error[E102] arch.pez: unknown key; did you mean 'pes'?\n", 0) ==
        0);
  const test::RunResult json =
      test::run_zasgen_capture("check --diag-format json '" + bad + "'", dir.string());
  CHECK(json.status == 1);
  CHECK(json.out.empty());
  CHECK(json.err.rfind("[", 0) == 0);
  CHECK(json.err.find("\"code\":\"E102\"") != std::string::npos);
  CHECK(json.err.find("\"line\":5,\"col\":3") != std::string::npos);
  const std::string good = test::repo_path("configs/default.yaml");
  const test::RunResult ok = test::run_zasgen_capture("check '" + good + "'", dir.string());
  CHECK(ok.status == 0);
  CHECK(ok.err.empty());
  CHECK(ok.out.find("ok") != std::string::npos);
  CHECK(ok.out.find("psum") != std::string::npos);
  const test::RunResult quiet = test::run_zasgen_capture("check -q '" + good + "'", dir.string());
  CHECK(quiet.status == 0);
  CHECK(quiet.out.empty());
  const test::RunResult schema = test::run_zasgen_capture("check --schema", dir.string());
  CHECK(schema.status == 0);
  CHECK(schema.out == schema_markdown());
  fs::remove_all(dir);
}
