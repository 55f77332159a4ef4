#include "zasgen/flow/error.h"

#include <utility>

namespace zasgen::flow {

namespace {

Exit exit_for(FlowError::Code c) {
  switch (c) {
    case FlowError::Code::SpecUnreadable:
    case FlowError::Code::SpecSyntax:
    case FlowError::Code::SpecMissing:
    case FlowError::Code::SpecValue:
    case FlowError::Code::SpecUnknownKey:
    case FlowError::Code::ActivityFile:
      return Exit::InvalidInput;
    case FlowError::Code::BadArgument:
      return Exit::Internal;
    default:
      return Exit::ToolFailure;
  }
}

}  // namespace

FlowError::FlowError(Code code, std::string where, std::string problem, std::string accepted)
    : Error(exit_for(code), to_string(code), std::move(where), std::move(problem),
            std::move(accepted)),
      code_(code) {}

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
    case FlowError::Code::ActivityFile:
      return "flow-activity-file";
  }
  return "flow-?";
}

}  // namespace zasgen::flow
