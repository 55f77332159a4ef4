// ARCH 4 bank images and processing order.
#include <catch2/catch.hpp>

#include "test_util.h"
#include "zasgen/model/bank_image.h"
#include "zasgen/model/workload.h"

using namespace zasgen::model;
using zasgen::Format;

namespace {

template <typename F>
FormatError::Code error_code(F&& f) {
  try {
    f();
  } catch (const FormatError& e) {
    return e.code();
  }
  FAIL("no FormatError");
  return FormatError::Code::Truncated;
}

}  // namespace

TEST_CASE("channel c lives in bank c mod pes, blocks back to back", "[bank]") {
  const FormatSpec f = FormatSpec::make(Format::Coord, 8, 4, 8);
  Tensor3 map(7, 2, 5);
  // Channel c has c + 1 non-zeros, so the offsets are easy to predict.
  for (int c = 0; c < 7; ++c)
    for (int i = 0; i <= c; ++i) map.channel(c)[i] = c + 1;
  const BufferImage img = encode_image(f, map, 3);
  REQUIRE(img.banks.size() == 3);
  REQUIRE(img.channels.size() == 7);
  // Bank 0 holds channels 0, 3, 6 with 1, 4, 7 entries; 2 table words (rows) each.
  CHECK(img.channels[0].bank == 0);
  CHECK(img.channels[3].bank == 0);
  CHECK(img.channels[6].bank == 0);
  CHECK(img.channels[0].entry_offset == 0);
  CHECK(img.channels[3].entry_offset == 1);
  CHECK(img.channels[6].entry_offset == 5);
  CHECK(img.channels[6].entry_count == 7);
  CHECK(img.channels[6].table_offset == 4);
  CHECK(img.channels[6].table_count == 2);
  CHECK(img.banks[0].entries.size() == 12);
  // Bank 2: channels 2, 5 -> 3 + 6 entries.
  CHECK(img.channels[5].bank == 2);
  CHECK(img.channels[5].entry_offset == 3);
  CHECK(img.banks[2].entries.size() == 9);
  CHECK(img.max_bank_entries() == 12);
  CHECK(img.max_bank_table() == 6);
  // Each block in the bank is exactly what encode_block gives for that channel.
  for (int c = 0; c < 7; ++c) {
    const ChannelPlacement& p = img.channels[size_t(c)];
    const Block b = encode_block(f, map.channel(c), 2, 5);
    const auto& bank = img.banks[size_t(p.bank)];
    CHECK(std::vector<uint64_t>(bank.entries.begin() + long(p.entry_offset),
                                bank.entries.begin() + long(p.entry_offset + p.entry_count)) ==
          b.entries);
    CHECK(std::vector<uint64_t>(bank.table.begin() + long(p.table_offset),
                                bank.table.begin() + long(p.table_offset + p.table_count)) ==
          b.table);
  }
  int64_t total = 0;
  for (int c = 0; c < 7; ++c) total += storage_bits(f, encode_block(f, map.channel(c), 2, 5));
  CHECK(img.storage_bits() == total);
}

TEST_CASE("bank images round trip for every format and bank count", "[bank]") {
  const uint64_t seed = test::base_seed() + 20;
  INFO("seed " << seed);
  int n = 0;
  for (Format fmt : {Format::Dense, Format::Coord, Format::Rle, Format::Bitmap})
    for (int pes : {1, 2, 3, 4, 16})
      for (int channels : {1, 5, 16, 19}) {
        const double z = (n % 5) * 0.24;
        const Tensor3 map =
            make_activations(channels, 3, 11, z, Pattern::Clustered, seed + uint64_t(n), 6);
        const FormatSpec f = FormatSpec::make(fmt, 6, 4);
        INFO(zasgen::to_string(fmt) << " pes " << pes << " channels " << channels);
        const BufferImage img = encode_image(f, map, pes);
        CHECK(decode_image(f, img.banks, channels, 3, 11) == map);
        ++n;
      }
}

TEST_CASE("decode_image locates errors and rejects or allows trailing words", "[bank]") {
  const FormatSpec f = FormatSpec::make(Format::Rle, 8, 3, 8);
  const Tensor3 map = make_activations(6, 2, 9, 0.6, Pattern::Uniform, 7, 8);
  BufferImage img = encode_image(f, map, 2);
  std::vector<Block> banks = img.banks;
  banks[1].entries.push_back(0x05);
  CHECK(error_code([&] { decode_image(f, banks, 6, 2, 9); }) == FormatError::Code::TrailingWords);
  CHECK(decode_image(f, banks, 6, 2, 9, TrailingWords::Allow) == map);
  // Fewer channels than stored: the rest of the banks is trailing.
  CHECK(error_code([&] { decode_image(f, img.banks, 4, 2, 9); }) ==
        FormatError::Code::TrailingWords);
  // Corrupt channel 3 (bank 1, its second block): a zero-valued non-filler entry.
  banks = img.banks;
  const ChannelPlacement& p = img.channels[3];
  REQUIRE(p.entry_count > 0);
  banks[1].entries[p.entry_offset] = uint64_t(2) << 8;
  try {
    decode_image(f, banks, 6, 2, 9);
    FAIL("no error");
  } catch (const FormatError& e) {
    CHECK(e.code() == FormatError::Code::ZeroValue);
    CHECK(e.where().find("bank 1, channel 3") != std::string::npos);
  }
  // Truncated bank.
  banks = img.banks;
  banks[0].table.pop_back();
  CHECK(error_code([&] { decode_image(f, banks, 6, 2, 9); }) == FormatError::Code::Truncated);
}

TEST_CASE("lanes consume channels bank-major", "[bank]") {
  // 10 channels, 4 PEs (banks), 2 lanes: lane 0 streams banks 0 and 2, lane 1 banks 1 and 3.
  CHECK(lane_channel_order(10, 4, 2, 0) == std::vector<int>{0, 4, 8, 2, 6});
  CHECK(lane_channel_order(10, 4, 2, 1) == std::vector<int>{1, 5, 9, 3, 7});
  CHECK(lane_channel_order(10, 4, 1, 0) == std::vector<int>{0, 4, 8, 1, 5, 9, 2, 6, 3, 7});
  CHECK(lane_channel_order(3, 4, 4, 3).empty());  // bank 3 holds no channel
  CHECK(lane_channel_order(3, 4, 4, 2) == std::vector<int>{2});
  const auto all = processing_order(37, 16, 4);
  REQUIRE(all.size() == 4);
  std::vector<int> seen(37, 0);
  for (const auto& lane : all)
    for (int c : lane) ++seen[size_t(c)];
  for (int c = 0; c < 37; ++c) CHECK(seen[size_t(c)] == 1);  // every channel exactly once
  CHECK_THROWS_AS(lane_channel_order(10, 4, 3, 0), std::invalid_argument);
  CHECK_THROWS_AS(lane_channel_order(10, 4, 2, 2), std::invalid_argument);
}
