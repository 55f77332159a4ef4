#include "common.h"

#include <filesystem>

namespace zasgen::cli {

std::string default_out_dir(const std::string& config_path) {
  return (std::filesystem::path("out") / std::filesystem::path(config_path).stem()).string();
}

std::string sim_cache_dir() {
  return "out/.cache/verilator";
}

std::string grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

}  // namespace zasgen::cli
