// NumPy .npy files (format versions 1.0 and 2.0): what `zasgen sim --ifmap/--weights/--bias`
// reads, and what tools write for Python to read back.
//
// Accepted element types: int8 ('|i1'), uint8 ('|u1'), int16 ('<i2'), int32 ('<i4') and
// float32 ('<f4'), little-endian, C order. Values are held as int32: a float32 file must
// contain integral values within the int32 range (quantised tensors saved as float), anything
// else is an error saying so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zasgen/model/error.h"
#include "zasgen/model/tensor.h"

namespace zasgen::model {

class NpyError : public ModelError {
 public:
  enum class Code {
    FileNotFound,        // cannot open the file
    ReadFailed,          // I/O error while reading
    WriteFailed,         // cannot write or rename the output
    BadMagic,            // not a .npy file
    UnsupportedVersion,  // format version other than 1.0 / 2.0 (3.0: utf-8 header, not needed)
    BadHeader,           // header dictionary unreadable or incomplete
    UnsupportedDtype,    // element type not accepted (the message names it)
    FortranOrder,        // fortran_order: True
    WrongRank,           // e.g. a 2-D array where C x H x W is expected
    WrongShape,          // a dimension is 0 or too large, or disagrees with what is expected
    Truncated,           // fewer data bytes than the shape needs
    TrailingData,        // more data bytes than the shape needs
    NotIntegral,         // a float32 value with a fraction, NaN or infinity
    ValueOutOfRange,     // a value outside what the element type can hold (on write), or a float
                         // outside int32 (on read)
  };
  NpyError(Code code, std::string file, std::string problem, std::string accepted = "");
  Code code() const { return code_; }

 private:
  Code code_;
};
const char* to_string(NpyError::Code c);

// Limits of what zasgen reads: a .npy file of more elements, or with a longer header, is
// refused from its header, before its data is read (a layer of VGG16 has at most 3.2 million
// values per tensor).
constexpr int64_t kMaxNpyElements = int64_t(1) << 26;  // 67,108,864 (256 MiB as int32)
constexpr std::size_t kMaxNpyHeaderBytes = std::size_t(1) << 20;

enum class NpyDtype { Int8, Uint8, Int16, Int32, Float32 };
const char* to_string(NpyDtype d);  // "int8", ...
const char* npy_descr(NpyDtype d);  // "|i1", "|u1", "<i2", "<i4", "<f4"

struct NpyArray {
  NpyDtype dtype = NpyDtype::Int32;  // as stored in the file
  std::vector<int64_t> shape;        // C order; empty for a scalar
  std::vector<int32_t> values;       // product(shape) values, C order
  int64_t count() const;             // product(shape)
};

// Reads any accepted .npy file: the header first, then exactly the data its shape needs (so a
// wrong size or an endless stream such as /dev/zero is refused without reading it all).
NpyArray read_npy(const std::string& path);
// The same from bytes in memory; `name` is used in error messages.
NpyArray parse_npy(const std::string& bytes, const std::string& name);

// Typed readers: check the rank (WrongRank) and that no dimension is 0 (WrongShape).
Tensor3 read_tensor3(const std::string& path);              // C x H x W
Tensor4 read_tensor4(const std::string& path);              // K x C x R x S
std::vector<int64_t> read_vector(const std::string& path);  // rank 1

// Serialises as version 1.0 (2.0 only when the header needs more than 65535 bytes), header
// padded to a multiple of 64 bytes as NumPy does. Values must fit the dtype (float32: |v| <=
// 2^24, exactly representable) or NpyError::ValueOutOfRange.
std::string serialize_npy(const NpyArray& array);
// Writes to `path` through a temporary file renamed into place.
void write_npy(const std::string& path, const NpyArray& array);
void write_npy(const std::string& path, const Tensor3& t, NpyDtype dtype = NpyDtype::Int32);
void write_npy(const std::string& path, const Tensor4& t, NpyDtype dtype = NpyDtype::Int32);

}  // namespace zasgen::model
