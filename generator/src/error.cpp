#include "zasgen/error.h"

#include <utility>

namespace zasgen {

namespace {

std::string render(const std::string& code, const std::string& where, const std::string& problem,
                   const std::string& accepted) {
  std::string s;
  if (!where.empty()) s += where + ": ";
  s += problem;
  if (!accepted.empty()) s += " (accepted: " + accepted + ")";
  if (!code.empty()) s += " [" + code + "]";
  return s;
}

}  // namespace

Error::Error(Exit exit, std::string code, std::string where, std::string problem,
             std::string accepted, std::string log_path)
    : std::runtime_error(render(code, where, problem, accepted)),
      exit_(exit),
      code_(std::move(code)),
      where_(std::move(where)),
      problem_(std::move(problem)),
      accepted_(std::move(accepted)),
      log_(std::move(log_path)) {}

Error::Error(Plain, Exit exit, std::string code, std::string where, std::string problem,
             std::string accepted, std::string log_path)
    : std::runtime_error(render("", where, problem, accepted)),
      exit_(exit),
      code_(std::move(code)),
      where_(std::move(where)),
      problem_(std::move(problem)),
      accepted_(std::move(accepted)),
      log_(std::move(log_path)) {}

}  // namespace zasgen
