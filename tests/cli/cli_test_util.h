// Helpers of the command-line robustness tests: a scratch folder per test, the built zasgen run
// there with a time limit, and the processes of the machine looked up by their command line.
#pragma once

#include <dirent.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace zasgen::test {

inline std::string repo_path(const std::string& rel) {
  return (std::filesystem::path(ZASGEN_TEST_DIR) / ".." / rel).lexically_normal().string();
}

// An empty folder under the build tree's cli-scratch/.
inline std::string scratch(const std::string& name) {
  const std::filesystem::path p = std::filesystem::path(ZASGEN_CLI_SCRATCH) / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct RunResult {
  int status = -1;  // -1: killed by the time limit
  std::string out, err;
};

// Runs the built zasgen with `args` (already shell-quoted) in `cwd`, killed after `limit_s`.
inline RunResult run_zasgen(const std::string& args, const std::string& cwd, int limit_s = 60) {
  const std::string out = cwd + "/.stdout", err = cwd + "/.stderr";
  const std::string cmd = "cd '" + cwd + "' && timeout -s KILL " + std::to_string(limit_s) + " '" +
                          std::string(ZASGEN_BIN) + "' " + args + " >'" + out + "' 2>'" + err + "'";
  const int st = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(st) && WEXITSTATUS(st) != 137 ? WEXITSTATUS(st) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

// Pids of the processes whose command line contains `needle` (from /proc).
inline std::vector<int> processes_with(const std::string& needle) {
  std::vector<int> pids;
  DIR* d = ::opendir("/proc");
  if (!d) return pids;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_text("/proc/" + name + "/cmdline");
    for (char& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos) pids.push_back(std::stoi(name));
  }
  ::closedir(d);
  return pids;
}

// Every entry under `dir` whose name is a temporary of a writer (".new-", ".old-", ".tmp-").
inline std::vector<std::string> debris(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.find(".new-") != std::string::npos || n.find(".old-") != std::string::npos ||
        n.find(".tmp-") != std::string::npos || n.rfind("tmp-", 0) == 0)
      found.push_back(it->path().string());
  }
  return found;
}

}  // namespace zasgen::test
