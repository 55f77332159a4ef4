#include "zasgen/flow/error.h"

#include <utility>

namespace zasgen::flow {

namespace {

std::string render(FlowError::Code code, const std::string& where, const std::string& problem,
                   const std::string& accepted) {
  std::string s;
  if (!where.empty()) s += where + ": ";
  s += problem;
  if (!accepted.empty()) s += " (accepted: " + accepted + ")";
  s += " [" + std::string(to_string(code)) + "]";
  return s;
}

}  // namespace

FlowError::FlowError(Code code, std::string where, std::string problem, std::string accepted)
    : std::runtime_error(render(code, where, problem, accepted)),
      code_(code),
      where_(std::move(where)),
      problem_(std::move(problem)),
      accepted_(std::move(accepted)) {}

const char* to_string(FlowError::Code c) {
  switch (c) {
    case FlowError::Code::SpecUnreadable:
      return "flow-spec-unreadable";
    case FlowError::Code::SpecSyntax:
      return "flow-spec-syntax";
    case FlowError::Code::SpecMissing:
      return "flow-spec-missing";
    case FlowError::Code::SpecValue:
      return "flow-spec-value";
    case FlowError::Code::SpecUnknownKey:
      return "flow-spec-unknown-key";
    case FlowError::Code::BadArgument:
      return "flow-bad-argument";
    case FlowError::Code::ToolMissing:
      return "flow-tool-missing";
    case FlowError::Code::ToolFailed:
      return "flow-tool-failed";
    case FlowError::Code::ToolTimeout:
      return "flow-tool-timeout";
    case FlowError::Code::ResultParse:
      return "flow-result-parse";
    case FlowError::Code::Io:
      return "flow-io";
  }
  return "flow-?";
}

}  // namespace zasgen::flow
