// Golden output of configs/tiny.yaml: every file the generator writes (rtl/*.v,
// rtl/filelist.f, zasgen_params.h, params.json, regmap.md) must equal the checked-in copy in
// tests/golden/tiny byte for byte. Regenerate with scripts/regen-golden.sh (never by hand).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "rtl_test_util.h"
#include "zasgen/rtl/macros.h"

using namespace zasgen;
using namespace zasgen::rtl;
using namespace zasgen::rtl::test;

namespace {

const char* kRegen = "if the change is intended, run scripts/regen-golden.sh and review the diff";

// "line N: expected '...', got '...'" for the first line where two texts differ.
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected), a(actual);
  std::string le, la;
  for (int line = 1;; ++line) {
    const bool he = bool(std::getline(e, le)), ha = bool(std::getline(a, la));
    if (!he && !ha) return "texts differ only in the final newline";
    if (!he) return "line " + std::to_string(line) + ": golden ends, generated has '" + la + "'";
    if (!ha) return "line " + std::to_string(line) + ": generated ends, golden has '" + le + "'";
    if (le != la)
      return "line " + std::to_string(line) + ":\n  golden:    " + le + "\n  generated: " + la;
  }
}

// Every regular file under `dir`, by path relative to it.
std::map<std::string, std::string> read_tree(const std::string& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files[fs::relative(e.path(), dir).generic_string()] = read_text(e.path().string());
  return files;
}

void compare_with_golden(const std::map<std::string, std::string>& generated,
                         const std::string& golden_dir) {
  const std::map<std::string, std::string> golden = read_tree(golden_dir);
  INFO(kRegen);
  REQUIRE_FALSE(golden.empty());
  for (const auto& [path, text] : generated) {
    INFO(path);
    const auto it = golden.find(path);
    CHECK(it != golden.end());  // a new file has no golden yet
    if (it == golden.end()) continue;
    const bool identical = it->second == text;  // (not CHECK(a == b): it would print both files)
    INFO("first difference, " << (identical ? "" : first_difference(it->second, text)));
    CHECK(identical);
  }
  for (const auto& entry : golden) {
    INFO("golden file " << entry.first << " is no longer generated");
    CHECK(generated.count(entry.first) == 1);
  }
}

}  // namespace

TEST_CASE("golden: configs/tiny.yaml generates exactly tests/golden/tiny", "[rtl][golden]") {
  const ArchParams p = shipped_params("tiny");
  GenerateOptions o;
  o.tool_version = generator_version();
  std::map<std::string, std::string> generated;
  for (const OutputFile& f : generate_files(p, o)) generated[f.path] = f.text;
  // The kinds of file the issue asks for are all there.
  CHECK(generated.count("rtl/filelist.f"));
  CHECK(generated.count("rtl/tiny_top.v"));
  CHECK(generated.count("zasgen_params.h"));
  CHECK(generated.count("params.json"));
  CHECK(generated.count("regmap.md"));
  compare_with_golden(generated, std::string(ZASGEN_TEST_DIR) + "/golden/tiny");
}

// The command line writes the same files, run after run (different processes, temp
// directories, the atomic rename).
TEST_CASE("golden: zasgen generate is deterministic and matches the golden", "[rtl][golden]") {
  ScratchDir dir("golden-cli");
  for (const char* out : {"a", "b"}) {
    const RunResult r = run("cd " + quote(repo_path("")) + " && " + quote(ZASGEN_BIN) +
                            " generate configs/tiny.yaml -o " + quote(dir.file(out)));
    INFO(r.out);
    REQUIRE(r.rc == 0);
  }
  const auto a = read_tree(dir.file("a")), b = read_tree(dir.file("b"));
  CHECK(a == b);
  compare_with_golden(a, std::string(ZASGEN_TEST_DIR) + "/golden/tiny");
}

// The manifest names every clock gate with the block it gates and its enable register, and
// reads back as written; a malformed gate entry is refused.
TEST_CASE("manifest: clock gates are listed and read back", "[rtl][golden]") {
  for (const char* config : {"tiny", "default"}) {
    INFO(config);
    const Design d = elaborate(shipped_params(config));
    const MacroManifest m = macro_manifest(d);
    REQUIRE(m.clock_gates.size() >= 2);  // the output stage and one weight loader per lane
    bool drain = false;
    for (const ClockGateEntry& g : m.clock_gates) {
      CHECK(g.enable == g.instance + ".en_q");
      CHECK(g.instance.rfind(g.block + ".", 0) == 0);
      const Module* block = d.find(g.block_module);
      REQUIRE(block);
      CHECK(std::any_of(block->instances.begin(), block->instances.end(),
                        [&](const Instance& i) { return i.module == g.module; }));
      drain = drain || g.block == "u_drain";
    }
    CHECK(drain);
    const MacroManifest back = parse_manifest_json(manifest_json(m), "macros.json");
    REQUIRE(back.clock_gates.size() == m.clock_gates.size());
    for (size_t i = 0; i < m.clock_gates.size(); ++i) {
      CHECK(back.clock_gates[i].instance == m.clock_gates[i].instance);
      CHECK(back.clock_gates[i].block_module == m.clock_gates[i].block_module);
      CHECK(back.clock_gates[i].enable == m.clock_gates[i].enable);
    }
  }
  const std::string bad =
      R"({"format": "zasgen-macros", "version": 1, "top": "t", "macros": [],
          "clock_gates": [{"instance": "u_cg", "module": "cg"}]})";
  CHECK_THROWS_WITH(parse_manifest_json(bad, "m.json"), Catch::Contains("malformed clock gate"));
}

// Register files standing in for macros are listed apart from the macros, with the geometry
// they replace, and read back as written; a malformed entry is refused.
TEST_CASE("manifest: register files are listed and read back", "[rtl][golden]") {
  ArchParams p = shipped_params("tiny");
  CHECK(macro_manifest(elaborate(p)).register_files.empty());
  p.psum_storage = PsumStorage::Registers;
  const MacroManifest m = macro_manifest(elaborate(p));
  REQUIRE(m.register_files.size() == 1);
  const MacroEntry& f = m.register_files[0];
  CHECK(f.geometry == SramGeometry{SramKind::OneROneW, p.psum.depth, p.psum.width});
  CHECK(int(f.instances.size()) == 2 * p.lanes * p.psum.banks);
  for (const MacroEntry& e : m.macros) CHECK(e.module != f.module);
  const MacroManifest back = parse_manifest_json(manifest_json(m), "macros.json");
  REQUIRE(back.register_files.size() == 1);
  CHECK(back.register_files[0].module == f.module);
  CHECK(back.register_files[0].geometry == f.geometry);
  CHECK(back.register_files[0].instances == f.instances);
  // A word is one partial sum per PE.
  CHECK(f.fields == p.pes);
  CHECK(back.register_files[0].fields == f.fields);
  const std::string bad =
      R"({"format": "zasgen-macros", "version": 1, "top": "t", "macros": [],
          "register_files": [{"module": "rf", "kind": "1r1w", "depth": 4}]})";
  CHECK_THROWS_WITH(parse_manifest_json(bad, "m.json"), Catch::Contains("malformed register file"));
  const std::string uneven =
      R"({"format": "zasgen-macros", "version": 1, "top": "t", "macros": [],
          "register_files": [{"module": "rf", "kind": "1r1w", "depth": 4, "width": 10,
                              "fields": 3, "instances": ["u_rf"]}]})";
  CHECK_THROWS_WITH(parse_manifest_json(uneven, "m.json"), Catch::Contains("do not divide"));
}
