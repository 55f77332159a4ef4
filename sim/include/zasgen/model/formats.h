// Activation storage formats (ARCH 3): encoding and strict decoding of one channel block.
//
// A block is the rows x W window of one channel, raster order. Entries and table words are
// unsigned bit vectors held in uint64_t, packed LSB first exactly as the SRAM words:
//   dense   entry = value                       no table
//   coord   entry = value | x << act_bits       table: entries per row (one word per row)
//   rle     entry = value | run << act_bits     table: entries in the block (one word)
//   bitmap  entry = value (non-zeros only)      table: ceil(W/b) mask words of b bits per row
// (value is the two's complement of the activation in act_bits bits.)
//
// The decoder is the judge of hardware-written buffers, so it accepts exactly what the
// encoder produces and nothing else: every malformed or non-canonical word is a FormatError
// naming the entry or table word at fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/model/error.h"

namespace zasgen::model {

class FormatError : public ModelError {
 public:
  enum class Code {
    // encoding
    ValueOutOfRange,    // a value does not fit signed act_bits
    IndexTooNarrow,     // coord: W > 2^index_bits, a column index would not fit (encoding
                        // and decoding)
    TableWordOverflow,  // a count does not fit table_bits (block too large for the table)
    // decoding
    Truncated,        // the entries or table words end before the block does
    StrayBits,        // bits set above entry_bits / table_bits
    IndexOutOfRange,  // coord: x >= W
    NotIncreasing,    // coord: x not strictly increasing within a row
    CountTooLarge,    // coord: a row count > W
    ZeroValue,        // a zero stored where only non-zeros are (coord, bitmap, rle non-filler)
    RunPastEnd,       // rle: a run or filler reaches past the last position of the block
    NonCanonical,     // rle: >= 2^b trailing zeros left unencoded (the encoder emits fillers)
    MaskBeyondWidth,  // bitmap: a mask bit set for a position x >= W
    TrailingWords,    // words left over after the last block
  };
  FormatError(Code code, std::string where, std::string problem, std::string accepted = "");
  Code code() const { return code_; }

 private:
  Code code_;
};
const char* to_string(FormatError::Code c);

// What the codec needs to know about a configuration.
struct FormatSpec {
  Format format = Format::Dense;
  int act_bits = 8;
  int index_bits = 0;  // b: coord column, rle run, bitmap mask-word width; unused for dense
  int entry_bits = 8;  // act_bits (dense, bitmap) or act_bits + index_bits (coord, rle)
  int table_bits = 0;  // coord: row count; rle: block entry count; bitmap: = index_bits

  // The buffer format of a validated configuration (copies the derived widths).
  static FormatSpec from(const ArchParams& arch);
  // A spec for tests and tools. table_bits < 0 picks a width that does not overflow for any
  // practical block: coord 16 (rows up to 65535 wide), rle 32, bitmap index_bits, dense 0.
  static FormatSpec make(Format format, int act_bits, int index_bits, int table_bits = -1);
  // Internal consistency (std::invalid_argument): act_bits 2..32, index_bits 1..32 unless
  // dense, entry_bits and table_bits as above, entry_bits <= 64, table_bits <= 32.
  void check() const;
};

struct Block {
  std::vector<uint64_t> entries;
  std::vector<uint64_t> table;
  bool operator==(const Block& o) const { return entries == o.entries && table == o.table; }
};

// Encodes `rows * w` values (raster order). Throws FormatError (ValueOutOfRange,
// IndexTooNarrow, TableWordOverflow).
Block encode_block(const FormatSpec& spec, const int32_t* values, int rows, int w);
// Same, appending to `out` (bank images put blocks back to back).
void encode_block_into(const FormatSpec& spec, const int32_t* values, int rows, int w, Block& out);

// Decodes one block from the start of the given word streams, reading only as many words as
// the block needs. When entries_used / table_used are given they receive the words consumed
// (the stream may continue with the next block); when null, the streams must hold exactly
// this block (otherwise FormatError::TrailingWords). Throws FormatError on malformed data.
std::vector<int32_t> decode_block(const FormatSpec& spec, const uint64_t* entries, size_t n_entries,
                                  const uint64_t* table, size_t n_table, int rows, int w,
                                  size_t* entries_used = nullptr, size_t* table_used = nullptr);
std::vector<int32_t> decode_block(const FormatSpec& spec, const Block& block, int rows, int w);

// Entry fields (ARCH 3 table): value in bits [0, act_bits), index in [act_bits, entry_bits).
uint64_t pack_entry(const FormatSpec& spec, int32_t value, uint64_t index);
int32_t entry_value(const FormatSpec& spec, uint64_t entry);   // sign-extended
uint64_t entry_index(const FormatSpec& spec, uint64_t entry);  // 0 for dense/bitmap

// Storage cost (ARCH 3): entries * entry_bits + table_words * table_bits.
int64_t storage_bits(const FormatSpec& spec, size_t n_entries, size_t n_table);
int64_t storage_bits(const FormatSpec& spec, const Block& block);
// The dense cost of the same block: rows * W * act_bits.
int64_t dense_bits(const FormatSpec& spec, int rows, int w);

}  // namespace zasgen::model
