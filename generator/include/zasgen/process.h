// Running external programs (Verilator and the C++ compiler it drives, Icarus, Yosys, OpenSTA,
// gnuplot) so that none outlives zasgen.
//
// Each program runs under a small supervisor process (a fork of zasgen, no exec):
//
//   zasgen ── supervisor (dies with zasgen: PR_SET_PDEATHSIG) ── program, in its own process
//                                                                group, with its children
//
// When zasgen is interrupted (SIGINT, SIGTERM, SIGHUP; see install_child_cleanup()), killed
// (even by SIGKILL: the kernel then signals the supervisor) or gives up on a program (timeout),
// the supervisor ends the program's whole process group: SIGTERM, then SIGKILL after a grace
// period. When the program exits on its own, whatever it left running in its group is killed
// too. Arguments are passed as a vector, never through a shell, so no path or name can be
// read as a command.
//
// These helpers live in zasgen_core so that sim/ and flow/ share them; the generator itself
// runs nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace zasgen {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH unless it holds a '/'
  std::string cwd;                // working directory ("" = zasgen's)
  std::string log_path;           // stdout and stderr go here (truncated); "" = /dev/null
  std::vector<std::pair<std::string, std::string>> env;  // set in the program's environment
  int timeout_s = 0;  // > 0: end the program's group after this many seconds
  int niceness = 0;   // > 0: the program (and its children) yield the cores to other work
};

struct ProcessResult {
  bool started = false;    // false: argv[0] was not found (nothing ran)
  int exit_code = 0;       // the program's exit status, 128 + N when signal N ended it
  bool timed_out = false;  // ended by timeout_s
  double seconds = 0;
};

// Runs a program to its end (or its timeout). Never throws for the program's failure: the
// caller knows what a non-zero exit means; std::runtime_error only when no process can be made.
ProcessResult run_process(const ProcessSpec& spec);

// Standard output of a program (stdin and stderr /dev/null, or stderr too when asked), "" when
// it cannot run or exits non-zero.
std::string capture_output(const std::vector<std::string>& argv, bool with_stderr = false);

// Absolute path of `exe` (searched in PATH unless it contains a '/'), or "" when not found.
std::string find_executable(const std::string& exe);

// Makes SIGINT, SIGTERM and SIGHUP end every program run_process() is running (their
// supervisors end their groups) before zasgen dies of the signal as it would have. Call once,
// early in main(). The only process-wide state of zasgen: a signal handler can reach nothing
// else.
void install_child_cleanup();

}  // namespace zasgen
