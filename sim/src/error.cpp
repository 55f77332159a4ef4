#include "zasgen/model/error.h"

#include <utility>

namespace zasgen::model {

namespace {

std::string render(const std::string& code, const std::string& where, const std::string& problem,
                   const std::string& accepted) {
  std::string s;
  if (!where.empty()) s += where + ": ";
  s += problem;
  if (!accepted.empty()) s += " (accepted: " + accepted + ")";
  s += " [" + code + "]";
  return s;
}

}  // namespace

ModelError::ModelError(const std::string& code_name, std::string where, std::string problem,
                       std::string accepted)
    : std::runtime_error(render(code_name, where, problem, accepted)),
      code_name_(code_name),
      where_(std::move(where)),
      problem_(std::move(problem)),
      accepted_(std::move(accepted)) {}

TensorError::TensorError(Code code, std::string where, std::string problem, std::string accepted)
    : ModelError(to_string(code), std::move(where), std::move(problem), std::move(accepted)),
      code_(code) {}

const char* to_string(TensorError::Code c) {
  switch (c) {
    case TensorError::Code::ShapeMismatch:
      return "tensor-shape";
    case TensorError::Code::ActRange:
      return "tensor-act-range";
    case TensorError::Code::WeightRange:
      return "tensor-weight-range";
    case TensorError::Code::BiasRange:
      return "tensor-bias-range";
    case TensorError::Code::MultRange:
      return "requant-mult-range";
    case TensorError::Code::ShiftRange:
      return "requant-shift-range";
    case TensorError::Code::AccOverflow:
      return "acc-overflow";
    case TensorError::Code::BadArgument:
      return "bad-argument";
  }
  return "tensor-?";
}

}  // namespace zasgen::model
