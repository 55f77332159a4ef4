// The fuzz targets' checked-in inputs, replayed in every build (and under the sanitizers in
// CI's sanitizer job): the seed corpora and every input that once crashed a target
// (tests/fuzz/crashes/<target>/, one file per finding, named after it). A finding that comes
// back fails here with the file's name.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "../fuzz/fuzz_bodies.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "crashes"}) {
    const fs::path dir = fs::path(ZASGEN_TEST_DIR) / "fuzz" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void replay(const std::string& target, const std::function<void(const uint8_t*, size_t)>& body) {
  const std::vector<fs::path> files = inputs(target);
  CHECK_FALSE(files.empty());
  for (const fs::path& f : files) {
    INFO(f.string());
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    CHECK_NOTHROW(body(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
}

}  // namespace

TEST_CASE("fuzz corpus: config", "[fuzz]") {
  replay("config", [](const uint8_t* d, size_t n) { (void)zasgen::fuzz::config_one(d, n); });
}
TEST_CASE("fuzz corpus: layer", "[fuzz]") {
  replay("layer", zasgen::fuzz::layer_one);
}
TEST_CASE("fuzz corpus: npy", "[fuzz]") {
  replay("npy", zasgen::fuzz::npy_one);
}
TEST_CASE("fuzz corpus: formats", "[fuzz]") {
  replay("formats", zasgen::fuzz::formats_one);
}
TEST_CASE("fuzz corpus: elaborate", "[fuzz]") {
  replay("elaborate", zasgen::fuzz::elaborate_one);
}
