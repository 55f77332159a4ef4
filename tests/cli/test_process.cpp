// External programs never outlive zasgen: they run in their own process group under a
// supervisor that ends the group on a timeout, on an interrupt, and when zasgen dies (even of
// SIGKILL). Programs are looked up by a marker in their command line.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "cli_test_util.h"
#include "zasgen/process.h"

using namespace zasgen;
using namespace zasgen::test;
namespace fs = std::filesystem;

namespace {

// A shell that starts two sleepers in the background and waits: a program with children, as
// Verilator (make, the compiler) or Yosys (yosys-abc) are. `marker` is a sleep duration no
// other process uses.
ProcessSpec sleepers(const std::string& marker) {
  ProcessSpec s;
  s.argv = {"sh", "-c", "sleep " + marker + " & sleep " + marker + " & wait"};
  return s;
}

bool gone_within(const std::string& marker, double seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  while (!processes_with("sleep " + marker).empty()) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > seconds)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

bool started_within(const std::string& marker, std::size_t n, double seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  while (processes_with("sleep " + marker).size() < n) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > seconds)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

TEST_CASE("run_process: status, log, folder, environment, and no shell", "[process]") {
  const fs::path d = scratch("process");
  ProcessSpec s;
  s.argv = {"sh", "-c", "echo \"$ZASGEN_T in $(pwd)\"; echo err >&2; exit 3"};
  s.cwd = d.string();
  s.log_path = (d / "log.txt").string();
  s.env = {{"ZASGEN_T", "hello"}};
  const ProcessResult r = run_process(s);
  CHECK(r.started);
  CHECK(r.exit_code == 3);
  CHECK(read_text(s.log_path) == "hello in " + fs::canonical(d).string() + "\nerr\n");
  // An argument is one argument, whatever it holds.
  ProcessSpec q;
  q.argv = {"touch", (d / "a'; touch pwned; '").string()};
  q.cwd = d.string();
  CHECK(run_process(q).exit_code == 0);
  CHECK(fs::exists(d / "a'; touch pwned; '"));
  CHECK_FALSE(fs::exists(d / "pwned"));
  ProcessSpec missing;
  missing.argv = {"zasgen-no-such-program"};
  CHECK_FALSE(run_process(missing).started);
  CHECK(capture_output({"sh", "-c", "echo out; echo err >&2"}) == "out\n");
  CHECK(capture_output({"sh", "-c", "echo out; exit 1"}).empty());
  ProcessSpec killed;
  killed.argv = {"sh", "-c", "kill -9 $$"};
  CHECK(run_process(killed).exit_code == 128 + 9);
}

TEST_CASE("a program asked to yield runs niced, and so do its children", "[process]") {
  const fs::path d = scratch("process-nice");
  ProcessSpec s;
  // coreutils `nice` without arguments prints its niceness; the shell's child inherits it.
  s.argv = {"sh", "-c", "nice"};
  s.log_path = (d / "nice.txt").string();
  REQUIRE(run_process(s).exit_code == 0);
  const int own = std::stoi(read_text(s.log_path));
  s.niceness = 10;
  REQUIRE(run_process(s).exit_code == 0);
  CHECK(std::stoi(read_text(s.log_path)) == std::min(19, own + 10));
}

TEST_CASE("a timeout ends the program and its children", "[process]") {
  ProcessSpec s = sleepers("41.1731");
  s.timeout_s = 1;
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(s);
  CHECK(r.timed_out);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 6);
  CHECK(gone_within("41.1731", 2));
}

TEST_CASE("a program whose parent exits leaves nothing running in its group", "[process]") {
  ProcessSpec s;
  s.argv = {"sh", "-c", "sleep 41.1732 & exit 0"};
  CHECK(run_process(s).exit_code == 0);
  CHECK(gone_within("41.1732", 2));
}

TEST_CASE("programs of a zasgen killed with SIGKILL die with it (PR_SET_PDEATHSIG)", "[process]") {
  const pid_t z = ::fork();
  if (z == 0) {
    (void)run_process(sleepers("41.1733"));
    ::_exit(0);
  }
  REQUIRE(started_within("41.1733", 2, 5));
  ::kill(z, SIGKILL);
  int st = 0;
  ::waitpid(z, &st, 0);
  CHECK(gone_within("41.1733", 5));
}

TEST_CASE("an interrupted zasgen ends its programs and dies of the signal", "[process]") {
  const pid_t z = ::fork();
  if (z == 0) {
    install_child_cleanup();
    (void)run_process(sleepers("41.1734"));
    ::_exit(0);
  }
  REQUIRE(started_within("41.1734", 2, 5));
  ::kill(z, SIGINT);
  int st = 0;
  ::waitpid(z, &st, 0);
  CHECK(WIFSIGNALED(st));
  CHECK(WTERMSIG(st) == SIGINT);
  CHECK(gone_within("41.1734", 5));
}
