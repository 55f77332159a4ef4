// The diagnostic table and its one renderer.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "zasgen/diag.h"

using namespace zasgen;

namespace {

Diagnostic make(DiagCode code, const std::string& file, int line, int col, const std::string& param,
                std::vector<std::string> args) {
  Diagnostic d;
  d.code = code;
  d.loc.file = file;
  d.loc.line = line;
  d.loc.col = col;
  d.param = param;
  d.args = std::move(args);
  return d;
}

}  // namespace

TEST_CASE("diagnostic codes are unique, well formed and format with their arguments", "[diag]") {
  std::set<std::string> ids, names;
  for (const auto& d : all_diags()) {
    INFO(d.name);
    CHECK(std::regex_match(d.id, std::regex("E[0-9]{3}")));
    CHECK(ids.insert(d.id).second);
    CHECK(names.insert(d.name).second);
    CHECK(diag_info(d.code).id == std::string(d.id));
    // With enough arguments every message and hint formats without falling back.
    const Diagnostic x = make(d.code, "", 0, 0, "p", std::vector<std::string>(10, "v"));
    CHECK(diag_message(x).find(" [") == std::string::npos);
    CHECK(diag_message(x).find('{') == std::string::npos);
  }
}

TEST_CASE("text rendering: file:line:col, code, parameter, message and hint", "[diag]") {
  Diagnostics ds;
  ds.attach_source("c.yaml", "arch:\n  pez: 16\n");
  ds.error(DiagCode::UnknownKey, {"c.yaml", 2, 3}, "arch.pez", "pes");
  REQUIRE(ds.size() == 1);
  CHECK(render_text(ds[0]) ==
        "c.yaml:2:3: error[E102] arch.pez: unknown key; did you mean 'pes'?\n");
  CHECK(render_text(ds) ==
        "c.yaml:2:3: error[E102] arch.pez: unknown key; did you mean 'pes'?\n"
        " 2 |   pez: 16\n"
        "   |   ^\n");
}

TEST_CASE("a hint whose arguments are missing or empty is left out", "[diag]") {
  const Diagnostic with =
      make(DiagCode::BadEnum, "f.yaml", 3, 9, "arch.mode", {"Dense", "sparse | dense", "dense"});
  const Diagnostic without =
      make(DiagCode::BadEnum, "f.yaml", 3, 9, "arch.mode", {"csr", "sparse | dense", ""});
  CHECK(diag_hint(with) == "did you mean 'dense'?");
  CHECK(diag_hint(without).empty());
  CHECK(render_text(without) ==
        "f.yaml:3:9: error[E202] arch.mode: 'csr' is not accepted; accepted: sparse | dense\n");
}

TEST_CASE("locations without line or column render without them", "[diag]") {
  const Diagnostic d =
      make(DiagCode::FileUnreadable, "missing.yaml", 0, 0, "", {"No such file or directory"});
  CHECK(render_text(d).rfind(
            "missing.yaml: error[E001] cannot read configuration file: No such file", 0) == 0);
  const Diagnostic e = make(DiagCode::EmptyConfig, "e.yaml", 4, 0, "", {});
  CHECK(render_text(e).rfind("e.yaml:4: error[E003] ", 0) == 0);
}

TEST_CASE("JSON rendering escapes and carries every field", "[diag]") {
  Diagnostics ds;
  ds.error(DiagCode::StringForNumber, {"a\"b.yaml", 1, 2}, "arch.pes", "an integer", "x\ty\\", "h");
  const std::string j = render_json(ds);
  CHECK(j.find(R"("code":"E106")") != std::string::npos);
  CHECK(j.find(R"("name":"StringForNumber")") != std::string::npos);
  CHECK(j.find(R"("file":"a\"b.yaml","line":1,"col":2,"param":"arch.pes")") != std::string::npos);
  CHECK(j.find(R"(got the string 'x\ty\\')") != std::string::npos);
  CHECK(j.front() == '[');
  CHECK(render_json(Diagnostics{}) == "[]\n");
}

TEST_CASE("diagnostics sort by place, keeping the raising order on ties", "[diag]") {
  Diagnostics ds;
  ds.error(DiagCode::OutOfRange, {"f", 5, 1}, "b", "1", "2");
  ds.error(DiagCode::OutOfRange, {"f", 2, 7}, "a", "1", "2");
  ds.error(DiagCode::BadEnum, {"f", 5, 1}, "c", "x", "y");
  ds.sort_by_location();
  CHECK(ds[0].param == "a");
  CHECK(ds[1].param == "b");
  CHECK(ds[2].param == "c");
}

TEST_CASE("a long source line is quoted as a window with the caret under the column", "[diag]") {
  Diagnostics ds;
  const std::string line = "arch: {" + std::string(5000, ' ') + "pez: 1}";
  ds.attach_source("w.yaml", line + "\n");
  ds.error(DiagCode::UnknownKey, {"w.yaml", 1, 5008}, "arch.pez", "pes");
  const std::string text = render_text(ds);
  CHECK(text.size() < 600);
  const auto quoted = text.find(" 1 | ...");
  REQUIRE(quoted != std::string::npos);
  const auto caret = text.find('^');
  REQUIRE(caret != std::string::npos);
  // The caret sits under the 'p' of "pez" in the quoted window.
  const std::string shown = text.substr(quoted, text.find('\n', quoted) - quoted);
  const std::string under = text.substr(text.find('\n', quoted) + 1);
  CHECK(shown.at(under.find('^')) == 'p');
  // Multi-byte characters count once for the caret.
  Diagnostics u;
  u.attach_source("u.yaml", "a: {\xc3\xa9\xc3\xa9: 1, pez: 2}\n");
  u.error(DiagCode::UnknownKey, {"u.yaml", 1, 14}, "a.pez", "pes");
  CHECK(render_text(u).find(" 1 | a: {\xc3\xa9\xc3\xa9: 1, pez: 2}\n   |            ^\n") !=
        std::string::npos);
}
