// Failures of external tools (Verilator, the C++ compiler, dlopen): the CLI reports them with
// the log path and exits with a tool-failure status.
#pragma once

#include <stdexcept>
#include <string>

namespace zasgen::sim {

class ToolError : public std::runtime_error {
 public:
  ToolError(const std::string& what, std::string log_path = "")
      : std::runtime_error(what), log_path_(std::move(log_path)) {}
  const std::string& log_path() const { return log_path_; }

 private:
  std::string log_path_;
};

// Runs a shell command with output to `log_path`; returns the exit status.
int run_logged(const std::string& command, const std::string& log_path);

// Standard output of a shell command ("" when it cannot run).
std::string capture(const std::string& command);

// 64-bit FNV-1a, for content-addressed caches.
uint64_t fnv1a(const std::string& data, uint64_t seed = 1469598103934665603ull);

}  // namespace zasgen::sim
