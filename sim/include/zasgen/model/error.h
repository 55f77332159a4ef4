// Errors a user can cause through the model library: a bad tensor file, a bad layer spec, a
// tensor whose values do not fit the configured widths, a malformed buffer image.
//
// Every error is diagnostic-shaped (zasgen/error.h): a stable code, where it happened (file name,
// spec key, tensor index, block entry), what is wrong with the offending value, and what
// would be accepted. what() renders all of it in one line; callers that render diagnostics
// themselves use the fields. Tests assert codes, never message text.
#pragma once

#include <string>
#include <utility>

#include "zasgen/error.h"

namespace zasgen::model {

class ModelError : public InputError {
 public:
  // `where` may be empty (no location); `accepted` may be empty (nothing to suggest).
  ModelError(const std::string& code_name, std::string where, std::string problem,
             std::string accepted)
      : InputError(code_name, std::move(where), std::move(problem), std::move(accepted)) {}
};

// Tensor contents or shapes that the golden model cannot take (golden.h).
class TensorError : public ModelError {
 public:
  enum class Code {
    ShapeMismatch,  // tensor dimensions disagree with the layer or with each other
    ActRange,       // activation outside signed act_bits
    WeightRange,    // weight outside signed weight_bits
    BiasRange,      // bias outside signed bias_bits
    MultRange,      // requant multiplier outside unsigned mult_bits
    ShiftRange,     // requant shift outside 0 .. 2^shift_bits - 1
    AccOverflow,    // an accumulator does not fit acc_bits (layer too deep for the config)
    BadArgument,    // other unusable arguments (e.g. act_bits < 2 for a workload)
  };
  TensorError(Code code, std::string where, std::string problem, std::string accepted);
  Code code() const { return code_; }

 private:
  Code code_;
};
const char* to_string(TensorError::Code c);

}  // namespace zasgen::model
