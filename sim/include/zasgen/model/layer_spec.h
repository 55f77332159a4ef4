// The CLI layer SPEC (CLI-CONTRACT.md): `c=64,k=64,h=56,w=56,r=3,s=3,stride=1,pad=1[,pool=2]
// [,relu=0]`, and whether a layer can run on a configuration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/model/error.h"
#include "zasgen/model/tensor.h"

namespace zasgen::model {

class LayerSpecError : public ModelError {
 public:
  enum class Code {
    Empty,           // the spec text is empty
    UnknownKey,      // a key that is not c,k,h,w,r,s,stride,pad,pool,relu
    DuplicateKey,    // the same key twice
    MissingValue,    // `key` or `key=` without a value
    NotInteger,      // the value is not a decimal integer
    OutOfRange,      // the integer is outside the key's accepted range
    MissingKey,      // a required key (c, k, h) is absent
    BadShape,        // the keys are fine but the layer is not (kernel larger than padded input,
                     // pooling an output smaller than 2x2)
    UnknownNetwork,  // `net:layer` with an unknown network
    UnknownLayer,    // `net:layer` with an unknown layer
  };
  LayerSpecError(Code code, std::string where, std::string problem, std::string accepted);
  Code code() const { return code_; }

 private:
  Code code_;
};
const char* to_string(LayerSpecError::Code c);

// Parses a key=value SPEC. Defaults: r = s = 3, stride = 1, pad = (r - 1) / 2 (computed from
// the final r when pad is not given), w = h, pool off, relu on; c, k, h are required.
// Spaces around keys and values are ignored. Accepted values: c, k 1..1048576; h, w 1..65536;
// r, s 1..64; stride 1..64; pad 0..64; pool 0 (off) or 2; relu 0 or 1.
LayerSpec parse_layer_spec(const std::string& text);

// Throws LayerSpecError::BadShape unless every dimension is positive, the kernel fits the
// padded input (out_h, out_w >= 1) and, when pooling, the output is at least 2x2.
void check_layer_shape(const LayerSpec& layer);

// Why a layer cannot run on a configuration (empty: it can). Diagnostic-shaped: a code, the
// spec key at fault, the offending value, what the configuration accepts.
struct FitIssue {
  enum class Code {
    KernelTooLarge,     // r > max_r or s > max_s
    StrideUnsupported,  // stride not in arch.strides
    PadTooLarge,        // pad > max_pad
    TooManyInputs,      // c > max_c
    TooManyOutputs,     // k > max_k
    InputTooLarge,      // h > max_h or w > max_w
    OutputTooLarge,     // out_h > max_h or out_w > max_w
    PoolUnsupported,    // pool requested, arch.pool off
  };
  Code code;
  std::string key;    // spec key: "r", "s", "stride", "pad", "c", "k", "h", "w", "pool"
  int64_t value = 0;  // the layer's value for that key (out_h/out_w for OutputTooLarge)
  std::string accepted;
  std::string message;  // one-line rendering of all the above
};
const char* to_string(FitIssue::Code c);

std::vector<FitIssue> check_layer_fits(const LayerSpec& layer, const ArchParams& arch);

}  // namespace zasgen::model
