// The one root of every error zasgen reports to a user, with the exit status the command line
// returns for it (the CLI contract): main() catches zasgen::Error once and exits with
// exit_status(). Everything else that escapes (std::logic_error from an elaboration invariant,
// std::bad_alloc, ...) is an internal error.
//
// An error is diagnostic-shaped: a stable code name ("npy-dtype", "flow-tool-failed"), where it
// happened (file:line:col, a spec key, a tool's log), what is wrong and what would be accepted.
// what() renders all of it on one line; tests assert code names, never message text.
#pragma once

#include <stdexcept>
#include <string>

namespace zasgen {

// Exit statuses of `zasgen` (the CLI contract).
enum class Exit : int {
  Ok = 0,
  InvalidInput = 1,  // a config, tensor, layer or sweep file the user gave is not acceptable
  Usage = 2,         // command-line misuse (unknown option, bad number, unusable output path)
  Mismatch = 3,      // a simulation differs from the golden model
  ToolFailure = 4,   // an external tool (Verilator, Yosys, OpenSTA, ...) failed; its log is named
  Internal = 5,      // a bug in zasgen
};

class Error : public std::runtime_error {
 public:
  Error(Exit exit, std::string code, std::string where, std::string problem,
        std::string accepted = "", std::string log_path = "");

  Exit exit_status() const { return exit_; }
  const std::string& code_name() const { return code_; }
  const std::string& where() const { return where_; }
  const std::string& problem() const { return problem_; }
  const std::string& accepted() const { return accepted_; }
  const std::string& log_path() const { return log_; }

 protected:
  // For errors whose code adds nothing to the message (a tool failure, a mismatch): what() is
  // "where: problem" without the bracketed code.
  struct Plain {};
  Error(Plain, Exit exit, std::string code, std::string where, std::string problem,
        std::string accepted, std::string log_path);

 private:
  Exit exit_;
  std::string code_, where_, problem_, accepted_, log_;
};

// A config, tensor, layer or other file of the user's that cannot be used (exit 1).
class InputError : public Error {
 public:
  InputError(std::string code, std::string where, std::string problem, std::string accepted = "")
      : Error(Exit::InvalidInput, std::move(code), std::move(where), std::move(problem),
              std::move(accepted)) {}
};

// The command line itself is wrong: an option value, a combination, an output path (exit 2).
class UsageError : public Error {
 public:
  UsageError(std::string where, std::string problem, std::string accepted = "")
      : Error(Plain{}, Exit::Usage, "usage", std::move(where), std::move(problem),
              std::move(accepted), "") {}
};

// An external tool failed or is missing; `log_path` names its log when there is one (exit 4).
class ToolError : public Error {
 public:
  explicit ToolError(std::string problem, std::string log_path = "",
                     std::string code = "tool-failed")
      : Error(Plain{}, Exit::ToolFailure, std::move(code), "", std::move(problem), "",
              std::move(log_path)) {}
};

// Simulated results differ from the golden model (exit 3).
class MismatchError : public Error {
 public:
  explicit MismatchError(std::string problem)
      : Error(Plain{}, Exit::Mismatch, "mismatch", "", std::move(problem), "", "") {}
};

}  // namespace zasgen
