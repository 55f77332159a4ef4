#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "zasgen/flow/error.h"

namespace zasgen::flow::detail {

std::string find_executable(const std::string& exe) {
  auto runnable = [](const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (exe.find('/') != std::string::npos) return runnable(exe) ? exe : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const std::string p = dir + "/" + exe;
    if (runnable(p)) return p;
  }
  return "";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_log_line(const std::string& log_path, const std::string& marker) {
  std::ifstream in(log_path);
  std::string line;
  while (std::getline(in, line))
    if (line.find(marker) != std::string::npos) return line;
  return "";
}

ToolRun run_tool(const std::string& tool_name, const std::vector<std::string>& argv,
                 const std::string& cwd, const std::string& log_path, int timeout_s) {
  using Code = FlowError::Code;
  const std::string exe = find_executable(argv.at(0));
  if (exe.empty())
    throw FlowError(Code::ToolMissing, tool_name, "'" + argv[0] + "' not found in PATH",
                    "install it (apt-get install yosys opensta verilator) or set ToolPaths");

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw FlowError(Code::ToolFailed, tool_name, "fork failed");
  if (pid == 0) {
    // Child: own process group (so a timeout can stop the tool and its helpers, e.g.
    // yosys-abc), log file as stdout/stderr.
    ::setpgid(0, 0);
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execv(exe.c_str(), args.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so the group exists before any kill

  int status = 0;
  const auto deadline = start + std::chrono::seconds(timeout_s);
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) throw FlowError(Code::ToolFailed, tool_name, "waitpid failed");
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGTERM);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw FlowError(Code::ToolTimeout, tool_name + " (log: " + log_path + ")",
                      "stopped after " + std::to_string(timeout_s) + " s",
                      "a smaller design or a larger timeout in SynthJob");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ToolRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
    if (run.exit_code == 126)
      throw FlowError(Code::ToolFailed, tool_name + " (log: " + log_path + ")",
                      "cannot open the log or enter " + cwd);
  } else {
    run.exit_code = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  return run;
}

}  // namespace zasgen::flow::detail
