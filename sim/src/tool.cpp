#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "zasgen/sim/tool.h"

namespace zasgen::sim {

int run_logged(const std::string& command, const std::string& log_path) {
  const std::string full = "(" + command + ") >'" + log_path + "' 2>&1";
  const int rc = std::system(full.c_str());
  if (rc == -1) return -1;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string capture(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) return "";
  return out;
}

}  // namespace zasgen::sim
