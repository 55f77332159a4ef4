// Activation buffers as bank images (ARCH 4): where each channel's block lives, and the
// bank-major order in which lanes consume channels.
#pragma once

#include <cstddef>
#include <vector>

#include "zasgen/model/formats.h"
#include "zasgen/model/tensor.h"

namespace zasgen::model {

// Where one channel's block sits in its bank.
struct ChannelPlacement {
  int bank = 0;             // channel mod pes
  size_t entry_offset = 0;  // first entries-SRAM address of the block
  size_t entry_count = 0;
  size_t table_offset = 0;  // first table-SRAM address of the block
  size_t table_count = 0;
};

// The contents of one buffer: `pes` banks, each an entries stream and a table stream, holding
// channel c (numbered from the first channel in the buffer) in bank c mod pes, blocks back to
// back in increasing c from address 0.
struct BufferImage {
  FormatSpec spec;
  int rows = 0, w = 0;
  std::vector<Block> banks;                // one per PE
  std::vector<ChannelPlacement> channels;  // indexed by channel

  size_t max_bank_entries() const;  // deepest entries bank (what must fit act_*.depth)
  size_t max_bank_table() const;    // deepest table bank
  int64_t storage_bits() const;     // sum over banks of the ARCH 3 cost
};

// Encodes a channels x rows x W map into `pes` banks. Throws FormatError as encode_block.
BufferImage encode_image(const FormatSpec& spec, const Tensor3& map, int pes);

enum class TrailingWords { Reject, Allow };

// Inverse of encode_image: reads `channels` blocks of rows x W from the banks (pes =
// banks.size()). With TrailingWords::Reject every word of every bank must belong to a block
// (exact images); Allow ignores what follows the last block (e.g. a whole SRAM dump).
// Errors are FormatErrors located as "bank B, channel C, ...".
Tensor3 decode_image(const FormatSpec& spec, const std::vector<Block>& banks, int channels,
                     int rows, int w, TrailingWords trailing = TrailingWords::Reject);

// ARCH 4 processing order: the channels lane `lane` of `lanes` streams, in order: banks
// lane, lane + lanes, ... and within a bank its channels in increasing order. `lanes` must
// divide `pes` (std::invalid_argument otherwise).
std::vector<int> lane_channel_order(int channels, int pes, int lanes, int lane);
// All lanes: result[l] = lane_channel_order(channels, pes, lanes, l).
std::vector<std::vector<int>> processing_order(int channels, int pes, int lanes);

}  // namespace zasgen::model
