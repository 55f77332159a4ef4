#include "common.h"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "zasgen/config.h"
#include "zasgen/diag.h"

namespace zasgen::cli {

std::optional<ArchParams> load_params(const std::string& path) {
  const ValidateResult r = load_config(path);
  if (!r.ok()) {
    std::fputs(render_text(r.diags).c_str(), stderr);
    return std::nullopt;
  }
  return r.params;
}

std::string default_out_dir(const std::string& config_path) {
  return (std::filesystem::path("out") / std::filesystem::path(config_path).stem()).string();
}

std::string sim_cache_dir() {
  return "out/.cache/verilator";
}

void report_error(const std::string& what, const std::string& log_path) {
  std::fputs(fmt::format("zasgen: error: {}\n", what).c_str(), stderr);
  if (!log_path.empty()) std::fputs(fmt::format("zasgen: see {}\n", log_path).c_str(), stderr);
}

}  // namespace zasgen::cli
