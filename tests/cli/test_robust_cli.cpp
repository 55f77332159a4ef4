// The command line against a hostile user: output paths that leave out/ or cannot be written,
// numbers that are not numbers, concurrent and killed runs. Each case once ended in lost files,
// a silent success, a late failure or a spurious tool error; each must now be exit 0, or exit
// 1 or 2 with a message, before any work.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "cli_test_util.h"

using namespace zasgen::test;
namespace fs = std::filesystem;

namespace {

const char* kLayer = "c=4,k=4,h=6,w=6,r=3,s=3,stride=1,pad=1";

std::string tiny_in(const std::string& dir, const std::string& name = "tiny.yaml") {
  fs::copy_file(repo_path("configs/tiny.yaml"), fs::path(dir) / name,
                fs::copy_options::overwrite_existing);
  return name;
}

// Nothing but the config files and what the test made: no out/, no output anywhere.
bool nothing_written(const std::string& dir) {
  return !fs::exists(fs::path(dir) / "out");
}

}  // namespace

TEST_CASE("path escape: '...yaml' and '..yaml' write plain folders under out/", "[cli][paths]") {
  const std::string dir = scratch("dots");
  fs::create_directories(fs::path(dir) / "rtl");
  write_text(dir + "/rtl/mine.v", "keep");
  tiny_in(dir, "...yaml");
  tiny_in(dir, "..yaml");
  tiny_in(dir, ".yaml");
  for (const char* f : {"...yaml", "..yaml", ".yaml"}) {
    INFO(f);
    const RunResult r = run_zasgen(std::string("generate '") + f + "'", dir);
    CHECK(r.status == 0);
  }
  CHECK(read_text(dir + "/rtl/mine.v") == "keep");
  // Every output is a folder of out/ with a plain name; nothing is written into out/ itself.
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "out")) {
    INFO(e.path());
    CHECK(e.is_directory());
    const std::string n = e.path().filename().string();
    CHECK(n.find('.') == std::string::npos);
    CHECK(fs::exists(e.path() / "rtl" / "filelist.f"));
  }
  CHECK(fs::exists(fs::path(dir) / "out" / "cfg___"));  // "...yaml": stem ".."
  CHECK(fs::exists(fs::path(dir) / "out" / "cfg__"));   // "..yaml": stem "."
  // A plain stem stays as it is (the CLI contract's out/<config file stem>/).
  tiny_in(dir, "My-Design.v2.yaml");
  CHECK(run_zasgen("generate My-Design.v2.yaml", dir).status == 0);
  CHECK(fs::exists(fs::path(dir) / "out" / "My-Design.v2" / "rtl"));
}

TEST_CASE("-o to a file, a device or through a file: exit 2 before any work", "[cli][paths]") {
  const std::string dir = scratch("bad_o");
  tiny_in(dir);
  write_text(dir + "/afile", "x");
  for (const std::string o : {"afile", "/dev/null", "afile/x", "''", "'' -o x"}) {
    INFO(o);
    const RunResult r = run_zasgen("generate tiny.yaml -o " + o, dir);
    CHECK(r.status == 2);
    CHECK(r.err.find("-o") != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
  }
  CHECK(read_text(dir + "/afile") == "x");
  CHECK(nothing_written(dir));
  // out/ itself a file: the default output folder cannot be made.
  write_text(dir + "/out", "not a folder");
  const RunResult r = run_zasgen("generate tiny.yaml", dir);
  CHECK(r.status == 2);
  CHECK(read_text(dir + "/out") == "not a folder");
  fs::remove(fs::path(dir) / "out");
  // An unwritable place (not for root, who may write anywhere).
  if (::geteuid() != 0) {
    fs::create_directories(fs::path(dir) / "ro");
    fs::permissions(fs::path(dir) / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK(run_zasgen("generate tiny.yaml -o ro/x", dir).status == 2);
    fs::permissions(fs::path(dir) / "ro", fs::perms::owner_all);
  }
}

TEST_CASE("numbers: nan, inf, negatives, empty text and trailing characters are exit 2",
          "[cli][numbers]") {
  const std::string dir = scratch("numbers");
  tiny_in(dir);
  const std::string sim = std::string("sim tiny.yaml --layer ") + kLayer + " ";
  for (const std::string bad :
       {"--sparsity nan", "--sparsity inf", "--sparsity -0.1", "--sparsity 1.5", "--sparsity ''",
        "--sparsity 0.5x", "--sparsity ' 0.5'", "--sparsity 0x1p-1", "--seed -1", "--seed ''",
        "--seed 1.5", "--seed 18446744073709551616", "--seed 12abc", "--seed ' 3'",
        "--trace t.fst --trace-window 1:2:3", "--trace t.fst --trace-window 5:2",
        "--trace t.fst --trace-window :2", "--trace t.fst --trace-window -1:2",
        "--trace-window 1:2"}) {
    INFO(bad);
    const RunResult r = run_zasgen(sim + bad, dir);
    CHECK(r.status == 2);
  }
  for (const std::string bad : {"synth tiny.yaml --sparsity nan", "synth tiny.yaml --sparsity 2",
                                "run tiny.yaml --sparsity -1", "bench tool tiny.yaml --seed -1",
                                "bench tool tiny.yaml --seed x"}) {
    INFO(bad);
    CHECK(run_zasgen(bad, dir).status == 2);
  }
  CHECK(nothing_written(dir));
}

TEST_CASE("a --json folder and a --trace through a file: exit 2 before any simulation",
          "[cli][paths]") {
  const std::string dir = scratch("outputs");
  tiny_in(dir);
  fs::create_directories(fs::path(dir) / "adir");
  write_text(dir + "/afile", "x");
  const std::string sim = std::string("sim tiny.yaml --layer ") + kLayer + " ";
  for (const std::string bad :
       {"--json adir", "--json adir/", "--json afile/x.json", "--json ''",
        "--no-dense --trace afile/x.fst", "--no-dense --trace adir", "--ifmap ''"}) {
    INFO(bad);
    const RunResult r = run_zasgen(sim + bad, dir, 20);
    CHECK(r.status == 2);
  }
  for (const std::string bad :
       {"synth tiny.yaml --json adir", "bench tool tiny.yaml --json adir"}) {
    INFO(bad);
    CHECK(run_zasgen(bad, dir, 20).status == 2);
  }
  CHECK(nothing_written(dir));
  CHECK(debris(dir).empty());
}

TEST_CASE("concurrent runs on one output folder serialise instead of failing", "[cli][lock]") {
  const std::string dir = scratch("concurrent");
  tiny_in(dir);
  std::vector<std::thread> runners;
  std::vector<int> failures(3, 0);
  for (int j = 0; j < 3; ++j)
    runners.emplace_back([&, j] {
      for (int i = 0; i < 8; ++i)
        if (run_zasgen("generate tiny.yaml -o out/tiny", dir + "").status != 0) ++failures[j];
    });
  for (auto& t : runners) t.join();
  CHECK(failures == std::vector<int>{0, 0, 0});
  CHECK(debris(dir).empty());
  CHECK_FALSE(fs::exists(fs::path(dir) / "out" / "tiny" / ".zasgen.lock"));
}

TEST_CASE("killed runs leave one whole generation, and the next run clears their debris",
          "[cli][atomic]") {
  const std::string dir = scratch("kills");
  // Two configurations that write the same folder; every generated file names its source.
  tiny_in(dir, "a.yaml");
  tiny_in(dir, "b.yaml");
  auto generation_of = [&](const fs::path& f) -> std::string {
    const std::string t = read_text(f.string());
    const bool a = t.find("a.yaml") != std::string::npos, b = t.find("b.yaml") != std::string::npos;
    return a == b ? "?" : a ? "a" : "b";
  };
  auto one_generation = [&]() -> bool {
    const fs::path out = fs::path(dir) / "out" / "x";
    std::set<std::string> seen;
    for (const char* f : {"params.json", "zasgen_params.h", "regmap.md", "rtl/tiny_top.v"})
      if (fs::exists(out / f)) seen.insert(generation_of(out / f));
    return seen.size() <= 1 && !seen.count("?");
  };
  std::mt19937 rng(20261203);  // the delays; printed on failure
  for (int i = 0; i < 40; ++i) {
    const int ms = 2 + int(rng() % 40);
    const std::string cfg = i % 2 ? "a.yaml" : "b.yaml";
    const std::string cmd = "cd '" + dir + "' && timeout -s KILL 0." +
                            std::string(ms < 10 ? "00" : "0") + std::to_string(ms) + " '" +
                            ZASGEN_BIN + "' generate " + cfg + " -o out/x >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    // A run killed in the middle of its swap leaves a journal; the folder is whole once the
    // next run (any zasgen that writes it) has completed it.
    INFO("kill after " << ms << " ms, run " << i);
    bool journal = false;
    for (const std::string& d : debris(dir))
      journal = journal || d.find(".commit") != std::string::npos;
    if (!journal) CHECK(one_generation());
  }
  REQUIRE(run_zasgen("generate a.yaml -o out/x", dir).status == 0);
  CHECK(debris(dir).empty());
  CHECK(one_generation());
  CHECK(generation_of(fs::path(dir) / "out" / "x" / "params.json") == "a");
}
