#include "zasgen/model/error.h"

#include <utility>

namespace zasgen::model {

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
