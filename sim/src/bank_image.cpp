#include "zasgen/model/bank_image.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace zasgen::model {

size_t BufferImage::max_bank_entries() const {
  size_t m = 0;
  for (const Block& b : banks) m = std::max(m, b.entries.size());
  return m;
}

size_t BufferImage::max_bank_table() const {
  size_t m = 0;
  for (const Block& b : banks) m = std::max(m, b.table.size());
  return m;
}

int64_t BufferImage::storage_bits() const {
  int64_t bits = 0;
  for (const Block& b : banks) bits += model::storage_bits(spec, b);
  return bits;
}

BufferImage encode_image(const FormatSpec& spec, const Tensor3& map, int pes) {
  if (pes < 1) throw std::invalid_argument("encode_image: pes must be >= 1");
  BufferImage img;
  img.spec = spec;
  img.rows = map.height();
  img.w = map.width();
  img.banks.resize(size_t(pes));
  for (int c = 0; c < map.channels(); ++c) {
    ChannelPlacement p;
    p.bank = c % pes;
    Block& bank = img.banks[size_t(p.bank)];
    p.entry_offset = bank.entries.size();
    p.table_offset = bank.table.size();
    try {
      encode_block_into(spec, map.channel(c), img.rows, img.w, bank);
    } catch (const FormatError& e) {
      throw FormatError(e.code(), "channel " + std::to_string(c) + ", " + e.where(), e.problem(),
                        e.accepted());
    }
    p.entry_count = bank.entries.size() - p.entry_offset;
    p.table_count = bank.table.size() - p.table_offset;
    img.channels.push_back(p);
  }
  return img;
}

Tensor3 decode_image(const FormatSpec& spec, const std::vector<Block>& banks, int channels,
                     int rows, int w, TrailingWords trailing) {
  const int pes = int(banks.size());
  if (pes < 1) throw std::invalid_argument("decode_image: no banks");
  Tensor3 map(channels, rows, w);
  std::vector<size_t> entry_pos(banks.size(), 0), table_pos(banks.size(), 0);
  // Increasing c visits each bank's channels in their storage order (ARCH 4).
  for (int c = 0; c < channels; ++c) {
    const size_t b = size_t(c % pes);
    const Block& bank = banks[b];
    size_t e_used = 0, t_used = 0;
    try {
      const std::vector<int32_t> block =
          decode_block(spec, bank.entries.data() + entry_pos[b], bank.entries.size() - entry_pos[b],
                       bank.table.data() + table_pos[b], bank.table.size() - table_pos[b], rows, w,
                       &e_used, &t_used);
      std::copy(block.begin(), block.end(), map.channel(c));
    } catch (const FormatError& e) {
      // Report addresses in the bank, not offsets in the block.
      throw FormatError(e.code(),
                        "bank " + std::to_string(b) + ", channel " + std::to_string(c) +
                            " (entries from address " + std::to_string(entry_pos[b]) +
                            ", table from address " + std::to_string(table_pos[b]) + "), " +
                            e.where(),
                        e.problem(), e.accepted());
    }
    entry_pos[b] += e_used;
    table_pos[b] += t_used;
  }
  if (trailing == TrailingWords::Reject)
    for (size_t b = 0; b < banks.size(); ++b)
      if (entry_pos[b] != banks[b].entries.size() || table_pos[b] != banks[b].table.size())
        throw FormatError(FormatError::Code::TrailingWords, "bank " + std::to_string(b),
                          std::to_string(banks[b].entries.size() - entry_pos[b]) + " entries and " +
                              std::to_string(banks[b].table.size() - table_pos[b]) +
                              " table words after the last block",
                          "exactly the blocks of the bank's channels");
  return map;
}

std::vector<int> lane_channel_order(int channels, int pes, int lanes, int lane) {
  if (pes < 1 || lanes < 1 || pes % lanes != 0 || lane < 0 || lane >= lanes)
    throw std::invalid_argument(
        "lane_channel_order: need lanes dividing pes and 0 <= lane < lanes");
  std::vector<int> order;
  for (int bank = lane; bank < pes; bank += lanes)
    for (int c = bank; c < channels; c += pes) order.push_back(c);
  return order;
}

std::vector<std::vector<int>> processing_order(int channels, int pes, int lanes) {
  std::vector<std::vector<int>> all;
  for (int l = 0; l < lanes; ++l) all.push_back(lane_channel_order(channels, pes, lanes, l));
  return all;
}

}  // namespace zasgen::model
