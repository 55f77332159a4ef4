// Output directories: generated entries are replaced whole, everything else in the directory
// (reports, synthesis runs, a dense twin) stays.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "zasgen/fs_util.h"

namespace zasgen {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("write_entries_atomically replaces generated entries and keeps the rest", "[fs]") {
  const fs::path dir =
      fs::temp_directory_path() / ("zasgen_fs_" + std::to_string(::getpid())) / "out";
  fs::remove_all(dir.parent_path());
  write_entries_atomically(dir.string(), {{"rtl/a.v", "a1"}, {"rtl/b.v", "b1"}, {"p.json", "1"}});
  fs::create_directories(dir / "reports");
  std::ofstream(dir / "reports" / "r.md") << "keep";

  write_entries_atomically(dir.string(), {{"rtl/a.v", "a2"}, {"p.json", "2"}});
  CHECK(slurp(dir / "rtl" / "a.v") == "a2");
  CHECK_FALSE(fs::exists(dir / "rtl" / "b.v"));  // rtl/ is replaced as a whole
  CHECK(slurp(dir / "p.json") == "2");
  CHECK(slurp(dir / "reports" / "r.md") == "keep");
  const auto entries = std::distance(fs::directory_iterator(dir), fs::directory_iterator());
  CHECK(entries == 3);  // rtl, p.json, reports: no temporary left behind

  // A path that leaves the directory is refused before anything is replaced.
  CHECK_THROWS(write_entries_atomically(dir.string(), {{"rtl/a.v", "a3"}, {"../x", "x"}}));
  CHECK(slurp(dir / "rtl" / "a.v") == "a2");
  fs::remove_all(dir.parent_path());
}

}  // namespace zasgen
