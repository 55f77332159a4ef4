// Hostile configuration files: each case guards a way a file once made `zasgen check` hang,
// crash, exhaust memory or print something useless. Every one must end in located, coded
// diagnostics of bounded size.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config_test_util.h"
#include "zasgen/input_file.h"
#include "zasgen/text.h"

using namespace zasgen;
namespace fs = std::filesystem;

namespace {

ParseResult parse(const std::string& text) {
  return parse_config_text(text, "h.yaml");
}

std::string first_code(const Diagnostics& d) {
  return test::code_of(d);
}

// A scratch folder of this test binary.
fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("zasgen_robust_config_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * std::size_t(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// `zasgen check` on `text` under a time limit: the exit status (-1 when it was killed) and the
// size of what it printed on stderr.
struct Checked {
  int status = -1;
  std::size_t err_bytes = 0;
  std::string err;
};
Checked check_with_timeout(const std::string& text, const std::string& name,
                           const std::string& extra = "") {
  const fs::path dir = scratch("cli_" + name);
  const fs::path f = dir / (name + ".yaml");
  std::ofstream(f, std::ios::binary) << text;
  const std::string err = (dir / "err.txt").string();
  const std::string cmd = "timeout -s KILL 20 '" + std::string(ZASGEN_BIN) + "' check " + extra +
                          " '" + f.string() + "' >/dev/null 2>'" + err + "'";
  const int st = std::system(cmd.c_str());
  Checked c;
  c.status = WIFEXITED(st) && WEXITSTATUS(st) != 137 ? WEXITSTATUS(st) : -1;
  c.err = test::read_text(err);
  c.err_bytes = c.err.size();
  return c;
}

}  // namespace

TEST_CASE(
    "yaml-cpp LoadAll hang: a stray comma or closing bracket is an unexpected token, not a loop",
    "[robust][parse]") {
  for (const std::string text : {",", " ,", "]", "}", "a: 1\n---\n,", "arch: {pes: 4}\n]\n"}) {
    INFO(text);
    const ParseResult r = parse(text);
    REQUIRE_FALSE(r.ok());
    const std::string code = first_code(r.diags);
    CHECK((code == "E013" || code == "E005" || code == "E002"));
    CHECK(r.diags[0].loc.line >= 1);
  }
  CHECK(first_code(parse(",").diags) == "E013");
  CHECK(parse(" ,").diags[0].loc.col == 2);
  // Every command reads configurations the same way; the CLI ends in time with exit 1.
  const Checked c = check_with_timeout(",", "comma");
  CHECK(c.status == 1);
  CHECK(c.err.find("error[E013]") != std::string::npos);
}

TEST_CASE("std::regex stack overflow: 40,000-character values and 50,000-digit numbers",
          "[robust][parse]") {
  const ValidateResult name = test::check_text("name: " + std::string(40000, 'a') + "\n");
  REQUIRE_FALSE(name.ok());
  CHECK(first_code(name.diags) == "E206");
  // The value is quoted by its head and its length, the source line by a window.
  CHECK(render_text(name.diags).size() < 2000);
  CHECK(render_text(name.diags).find("(40000 characters)") != std::string::npos);

  const ParseResult num = parse("arch:\n  pes: " + std::string(50000, '1') + "\n");
  REQUIRE_FALSE(num.ok());
  CHECK(first_code(num.diags) == "E109");
  CHECK(render_text(num.diags).size() < 2000);

  const ParseResult fraction = parse("clock:\n  target_mhz: 1." + std::string(50000, '5') + "\n");
  REQUIRE(fraction.ok());  // a long fraction is a number; the validator judges its range
  const ParseResult quoted = parse("arch:\n  pes: '" + std::string(50000, '7') + "'\n");
  CHECK(first_code(quoted.diags) == "E114");

  const Checked c = check_with_timeout("name: " + std::string(40000, 'a') + "\n", "longval");
  CHECK(c.status == 1);
  CHECK(c.err_bytes < 2000);
}

TEST_CASE("diagnostic flood: 200,000 duplicate strides give 50 diagnostics and a count",
          "[robust][diag]") {
  std::string text = "kernel:\n  strides: [1";
  for (int i = 0; i < 200000; ++i) text += ",1";
  text += "]\n";
  const ValidateResult r = test::check_text(text);
  REQUIRE_FALSE(r.ok());
  CHECK(first_code(r.diags) == "E205");
  CHECK(r.diags.size() == Diagnostics::kMaxKept);
  CHECK(r.diags.total() == 200000);
  const std::string shown = render_text(r.diags);
  CHECK(shown.size() < 50 * 600);
  CHECK(shown.find("error[E014]") == std::string::npos);
  CHECK(shown.find("note[E014] 199950 more problems") != std::string::npos);
  const auto json = nlohmann::json::parse(render_json(r.diags));
  REQUIRE(json.size() == Diagnostics::kMaxKept + 1);
  CHECK(json.back()["code"] == "E014");
  CHECK(json.back()["severity"] == "note");

  const Checked c = check_with_timeout(text, "dupes");
  CHECK(c.status == 1);
  CHECK(c.err_bytes < 50 * 600);
}

TEST_CASE("diagnostic flood: 20,000 unknown keys give 50 diagnostics and a count",
          "[robust][diag]") {
  std::string text = "arch: {";
  for (int i = 0; i < 20000; ++i) text += (i ? ", k" : "k") + std::to_string(i) + ": 1";
  text += "}\n";
  const ParseResult r = parse(text);
  REQUIRE_FALSE(r.ok());
  CHECK(first_code(r.diags) == "E103");
  CHECK(r.diags.size() == Diagnostics::kMaxKept);
  CHECK(r.diags.total() == 20000);
  CHECK(render_text(r.diags).size() < 50 * 700);
  // A huge unknown key is quoted by its head, and never compared letter by letter.
  const ParseResult key = parse("arch:\n  " + std::string(300000, 'p') + ": 1\n");
  REQUIRE_FALSE(key.ok());
  CHECK(key.diags[0].param.size() < 300);
}

TEST_CASE("100,000 opening brackets are nesting too deep, at the first bracket past the limit",
          "[robust][parse]") {
  const ParseResult r = parse("arch: " + std::string(100000, '[') + "\n");
  REQUIRE_FALSE(r.ok());
  CHECK(first_code(r.diags) == "E012");
  CHECK(r.diags[0].loc.line == 1);
  CHECK(r.diags[0].loc.col == 7 + 64);
  CHECK(first_code(parse(repeat("- ", 100000) + "x\n").diags) == "E012");
  CHECK(first_code(parse("arch: " + repeat("{a: ", 1000) + "\n").diags) == "E012");
  // Deep but within the limit: yaml-cpp judges (a list is not a section).
  CHECK(first_code(parse("arch: " + std::string(60, '[') + std::string(60, ']') + "\n").diags) ==
        "E105");
}

TEST_CASE("a lone double quote is an unclosed quote at the quote", "[robust][parse]") {
  for (const auto& [text, line, col] :
       std::vector<std::tuple<std::string, int, int>>{{"\"", 1, 1},
                                                      {"name: 'tiny\n", 1, 7},
                                                      {"arch:\n  mode: \"sparse\n  pes: 4\n", 2, 9},
                                                      {"kernel: {strides: [\"1, 2]}\n", 1, 20}}) {
    INFO(text);
    const ParseResult r = parse(text);
    REQUIRE_FALSE(r.ok());
    CHECK(first_code(r.diags) == "E011");
    CHECK(r.diags[0].loc.line == line);
    CHECK(r.diags[0].loc.col == col);
  }
}

TEST_CASE("quotes the screen must leave to YAML: apostrophes, comments, block scalars",
          "[robust][parse]") {
  // None of these holds an unclosed quote or deep nesting; the screen must not say otherwise.
  const char* valid[] = {
      "name: tiny  # it's \"the\" tiny one\n",
      "# a comment with a ' and a \"\narch: {mode: 'sparse', pes: 4}\n",
      "arch:\n  mode: \"spa\\\"rse\"\n",
      "arch:\n  mode: 'it''s'\n",
      "arch:\n  mode: \"multi\n    line\"\n",
      "arch:\n  mode: it's\n",
      "arch:\n  mode: a\n    'continued plain\n",
      "arch:\n  mode: |\n    text with ' and \" and [[[[\n  pes: 4\n",
      "arch:\n  mode: >-\n    folded ' text\n",
      "kernel: {strides: [1, 2]}  # [unbalanced\n",
      "arch: &a {pes: 4}\n",
      "kernel: {strides: [a\n  'b, 2]}\n",  // a plain scalar continued inside a flow
      "---\narch: {pes: 4}\n...\n",
  };
  for (const char* text : valid) {
    INFO(text);
    const ParseResult r = parse(text);
    for (const auto& d : r.diags) {
      const std::string id = diag_info(d.code).id;
      CHECK(id != "E011");
      CHECK(id != "E012");
      CHECK(id != "E013");
    }
  }
  for (const char* name : {"default", "tiny", "rle", "wide", "dense"})
    CHECK(parse_config(test::repo_path(std::string("configs/") + name + ".yaml")).ok());
}

TEST_CASE("NUL bytes and other control characters are located", "[robust][parse]") {
  const ParseResult r = parse(std::string("name: a\0b\n", 10));
  REQUIRE_FALSE(r.ok());
  CHECK(first_code(r.diags) == "E010");
  CHECK(r.diags[0].loc.line == 1);
  CHECK(r.diags[0].loc.col == 8);
  CHECK(render_text(r.diags).find("\\x00") != std::string::npos);
  // A terminal escape sequence is never echoed raw.
  const ParseResult esc = parse("arch:\n  mode: \x1b[31mred\n");
  REQUIRE_FALSE(esc.ok());
  CHECK(first_code(esc.diags) == "E010");
  CHECK(render_text(esc.diags).find('\x1b') == std::string::npos);
  CHECK(first_code(parse("name: a\r\narch: {pes: 4}\r\n").diags) == "(none)");  // CRLF is fine
}

TEST_CASE("invalid UTF-8 is located, and JSON diagnostics stay valid UTF-8", "[robust][diag]") {
  const ParseResult r = parse("name: t\xff\xfeq\n");
  REQUIRE_FALSE(r.ok());
  CHECK(first_code(r.diags) == "E009");
  CHECK(r.diags[0].loc.col == 8);
  CHECK(first_code(parse("\xff\xfen\0a\0m\0e\0").diags) == "E009");  // UTF-16
  // UTF-8 is fine (the name itself is not a design name)
  CHECK(first_code(test::check_text("name: caf\xc3\xa9_\xe2\x82\xac\n").diags) == "E206");

  // Whatever bytes reach a diagnostic (a file name, an argument), the JSON parses.
  Diagnostics ds;
  ds.error(DiagCode::BadName, {"f\xff\xc3.yaml", 1, 2}, "name", "t\xff\xfeq\x01\x7f", "x",
           "\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf");
  const std::string j = render_json(ds);
  CHECK(utf8_error_offset(j) == std::string::npos);
  const auto parsed = nlohmann::json::parse(j);
  CHECK(parsed[0]["file"] == "f\xef\xbf\xbd\xef\xbf\xbd.yaml");
  // In text, such bytes are escapes.
  CHECK(printable("a\xff\x1b\tb") == "a\\xff\\x1b\tb");

  const Checked c = check_with_timeout("name: t\xff\xfeq\n", "utf8json", "--diag-format json");
  CHECK(c.status == 1);
  CHECK(utf8_error_offset(c.err) == std::string::npos);
  CHECK_NOTHROW(nlohmann::json::parse(c.err));
}

TEST_CASE("files over 1 MiB and endless streams are refused before they are read",
          "[robust][parse]") {
  const fs::path dir = scratch("big");
  const fs::path big = dir / "big.yaml";
  {
    std::ofstream out(big, std::ios::binary);
    out << "name: big\n" << std::string(kMaxConfigBytes, '#');
  }
  const ParseResult r = parse_config(big.string());
  REQUIRE_FALSE(r.ok());
  CHECK(first_code(r.diags) == "E008");
  CHECK(r.diags[0].args.at(1) == std::to_string(fs::file_size(big)));
  const ParseResult zero = parse_config("/dev/zero");
  REQUIRE_FALSE(zero.ok());
  CHECK(first_code(zero.diags) == "E008");
  CHECK(first_code(parse_config(dir.string()).diags) == "E001");  // a folder
  // At the limit exactly, the file is read (and here found to be only comments).
  {
    std::ofstream out(big, std::ios::binary | std::ios::trunc);
    out << std::string(kMaxConfigBytes, '#');
  }
  CHECK(first_code(parse_config(big.string()).diags) == "E003");
  fs::remove_all(dir);
}

TEST_CASE("memory rules on keys left at default say so and point at a key of the file",
          "[robust][validate]") {
  // The file widens the map; the capacities it does not give are too small for it.
  const ValidateResult r = test::check_text("name: wide\nlimits:\n  max_w: 4096\n");
  REQUIRE_FALSE(r.ok());
  REQUIRE(!r.diags.empty());
  for (const auto& d : r.diags) {
    INFO(render_text(d));
    CHECK(d.loc.line == 3);  // limits.max_w, the key that made the memories too small
    CHECK(d.loc.col == 10);
    CHECK(d.args.at(0).rfind("the default ", 0) == 0);
  }
  CHECK(first_code(r.diags) == "E401");
  // A capacity the file gives is quoted as written, at its place.
  const ValidateResult given =
      test::check_text("memory:\n  psum: {capacity_kib: 0.5}\nlimits: {max_w: 200}\n");
  REQUIRE_FALSE(given.ok());
  CHECK(first_code(given.diags) == "E403");
  CHECK(given.diags[0].loc.line == 2);
  CHECK(given.diags[0].args.at(0) == "0.5");
}
