// ARCH 3 block formats: hand-checked words, independent reference encoders, round trips,
// adversarial maps, and rejection of malformed data.
#include <catch2/catch.hpp>

#include <vector>

#include "test_util.h"
#include "zasgen/model/formats.h"
#include "zasgen/model/rng.h"
#include "zasgen/util.h"

using namespace zasgen::model;
using zasgen::Format;
using V = std::vector<int32_t>;
using W = std::vector<uint64_t>;

namespace {

const Format kFormats[] = {Format::Dense, Format::Coord, Format::Rle, Format::Bitmap};

// Reference encoders, written from the ARCH 3 table in a different shape from the library.
uint64_t ref_field(int32_t v, int bits) {
  return uint64_t(uint32_t(v)) & ((uint64_t(1) << bits) - 1);
}

Block ref_encode(const FormatSpec& f, const V& v, int rows, int w) {
  Block b;
  const int a = f.act_bits, ib = f.index_bits;
  switch (f.format) {
    case Format::Dense:
      for (int32_t x : v) b.entries.push_back(ref_field(x, a));
      break;
    case Format::Coord:
      for (int y = 0; y < rows; ++y) {
        std::vector<int> xs;
        for (int x = 0; x < w; ++x)
          if (v[size_t(y * w + x)]) xs.push_back(x);
        b.table.push_back(xs.size());
        for (int x : xs) b.entries.push_back(ref_field(v[size_t(y * w + x)], a) | uint64_t(x) << a);
      }
      break;
    case Format::Rle: {
      // Gap formulation: a gap of g zeros before a non-zero becomes floor(g / 2^b) fillers
      // and a run of g mod 2^b; a trailing gap t becomes floor(t / 2^b) fillers.
      const int64_t span = int64_t(1) << ib;
      const uint64_t filler = uint64_t(span - 1) << a;
      int64_t gap = 0;
      for (int32_t x : v) {
        if (x == 0) {
          ++gap;
          continue;
        }
        for (int64_t i = 0; i < gap / span; ++i) b.entries.push_back(filler);
        b.entries.push_back(ref_field(x, a) | uint64_t(gap % span) << a);
        gap = 0;
      }
      for (int64_t i = 0; i < gap / span; ++i) b.entries.push_back(filler);
      b.table.push_back(b.entries.size());
      break;
    }
    case Format::Bitmap: {
      const int words = (w + ib - 1) / ib;
      for (int y = 0; y < rows; ++y) {
        std::vector<uint64_t> masks(size_t(words), 0);
        for (int x = 0; x < w; ++x)
          if (v[size_t(y * w + x)]) {
            masks[size_t(x / ib)] |= uint64_t(1) << (x % ib);
            b.entries.push_back(ref_field(v[size_t(y * w + x)], a));
          }
        b.table.insert(b.table.end(), masks.begin(), masks.end());
      }
      break;
    }
  }
  return b;
}

V random_map(Rng& rng, int n, double zero_fraction, int act_bits) {
  V v(static_cast<size_t>(n));
  const int64_t lo = -(int64_t(1) << (act_bits - 1)), hi = -lo - 1;
  for (int32_t& x : v) {
    if (rng.uniform01() < zero_fraction) continue;
    int64_t val = 0;
    while (val == 0) val = rng.uniform_int(lo, hi);
    x = int32_t(val);
  }
  return v;
}

// Encodes, compares with the reference encoder, decodes and compares with the input.
void check_round_trip(const FormatSpec& f, const V& v, int rows, int w) {
  const Block b = encode_block(f, v.data(), rows, w);
  const Block ref = ref_encode(f, v, rows, w);
  REQUIRE(b.entries == ref.entries);
  REQUIRE(b.table == ref.table);
  REQUIRE(decode_block(f, b, rows, w) == v);
  // Streaming use: the block followed by garbage words; the decoder reports what it used.
  W e = b.entries, t = b.table;
  e.push_back(1);
  t.push_back(1);
  size_t eu = 99, tu = 99;
  REQUIRE(decode_block(f, e.data(), e.size(), t.data(), t.size(), rows, w, &eu, &tu) == v);
  REQUIRE(eu == b.entries.size());
  REQUIRE(tu == b.table.size());
}

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

FormatError::Code decode_code(const FormatSpec& f, const W& e, const W& t, int rows, int w) {
  return error_code([&] { decode_block(f, e.data(), e.size(), t.data(), t.size(), rows, w); });
}

}  // namespace

TEST_CASE("FormatSpec from ArchParams copies the derived widths", "[formats]") {
  zasgen::ArchParams a;
  a.format = Format::Rle;
  a.index_bits = 4;
  zasgen::derive(a);
  const FormatSpec f = FormatSpec::from(a);
  CHECK(f.format == Format::Rle);
  CHECK(f.act_bits == 8);
  CHECK(f.index_bits == 4);
  CHECK(f.entry_bits == 12);
  CHECK(f.table_bits == a.table_bits);
  const FormatSpec d = FormatSpec::from(a.dense_twin());
  CHECK(d.format == Format::Dense);
  CHECK(d.entry_bits == 8);
  CHECK(d.table_bits == 0);
  CHECK_THROWS_AS(FormatSpec::make(Format::Coord, 1, 4), std::invalid_argument);
  CHECK_THROWS_AS(FormatSpec::make(Format::Bitmap, 8, 4, 5), std::invalid_argument);
}

TEST_CASE("entries pack value then index, LSB first", "[formats]") {
  const FormatSpec f = FormatSpec::make(Format::Coord, 4, 3, 8);
  CHECK(pack_entry(f, 3, 1) == 0x13);
  CHECK(pack_entry(f, -1, 4) == 0x4F);
  CHECK(pack_entry(f, -8, 7) == 0x78);
  CHECK(entry_value(f, 0x4F) == -1);
  CHECK(entry_value(f, 0x78) == -8);
  CHECK(entry_value(f, 0x77) == 7);
  CHECK(entry_index(f, 0x4F) == 4);
}

TEST_CASE("hand-encoded blocks and their storage cost", "[formats]") {
  SECTION("dense") {
    const FormatSpec f = FormatSpec::make(Format::Dense, 4, 0);
    const V v{0, -8, 7};
    const Block b = encode_block(f, v.data(), 1, 3);
    CHECK(b.entries == W{0x0, 0x8, 0x7});
    CHECK(b.table.empty());
    CHECK(storage_bits(f, b) == 12);
    CHECK(dense_bits(f, 1, 3) == 12);
  }
  SECTION("coord") {
    const FormatSpec f = FormatSpec::make(Format::Coord, 4, 3, 16);
    const V v{0, 3, 0, 0, -1,  //
              0, 0, 0, 0, 0};
    const Block b = encode_block(f, v.data(), 2, 5);
    CHECK(b.entries == W{0x13, 0x4F});
    CHECK(b.table == W{2, 0});
    CHECK(storage_bits(f, b) == 2 * 7 + 2 * 16);  // 46 bits
    CHECK(dense_bits(f, 2, 5) == 40);
  }
  SECTION("rle, with a filler in the middle and one for trailing zeros") {
    const FormatSpec f = FormatSpec::make(Format::Rle, 4, 2, 8);
    const V v{0, 0, 0, 0, 0, 5, 0, 0, 0, 0};
    const Block b = encode_block(f, v.data(), 1, 10);
    // zeros 0-3 -> filler (0, 3); zero 4 + value 5 -> (5, 1); zeros 6-9 -> filler (0, 3).
    CHECK(b.entries == W{0x30, 0x15, 0x30});
    CHECK(b.table == W{3});
    CHECK(storage_bits(f, b) == 3 * 6 + 8);
  }
  SECTION("rle drops a partial trailing run") {
    const FormatSpec f = FormatSpec::make(Format::Rle, 4, 2, 8);
    const V v{7, 0, 0, 0};
    const Block b = encode_block(f, v.data(), 1, 4);
    CHECK(b.entries == W{0x07});
    CHECK(b.table == W{1});
  }
  SECTION("bitmap") {
    const FormatSpec f = FormatSpec::make(Format::Bitmap, 4, 3);
    const V v{1, 0, 2, 0, 0, 0, -3};
    const Block b = encode_block(f, v.data(), 1, 7);
    CHECK(b.table == W{0x5, 0x0, 0x1});  // x0, x2 | none | x6
    CHECK(b.entries == W{1, 2, 0xD});
    CHECK(storage_bits(f, b) == 3 * 4 + 3 * 3);
  }
}

TEST_CASE("round trip on random blocks, all formats, index widths 1..16", "[formats]") {
  const uint64_t seed = zasgen::model::test::base_seed() + 10;
  INFO("seed " << seed);
  Rng rng(seed);
  const double sparsities[] = {0.0, 0.1, 0.5, 0.8, 0.9, 0.97, 1.0};
  int blocks = 0;
  for (Format fmt : kFormats)
    for (int b = 1; b <= 16; ++b)
      for (double z : sparsities)
        for (int rep = 0; rep < 3; ++rep) {
          const int act_bits = int(rng.uniform_int(2, 16));
          const int rows = int(rng.uniform_int(1, 4));
          // coord needs index_bits >= clog2(W).
          const int wmax = fmt == Format::Coord ? std::min(40, 1 << b) : 40;
          const int w = int(rng.uniform_int(1, wmax));
          const FormatSpec f = FormatSpec::make(fmt, act_bits, b);
          INFO(zasgen::to_string(fmt) << " b=" << b << " act_bits=" << act_bits << " " << rows
                                      << "x" << w << " zeros " << z);
          check_round_trip(f, random_map(rng, rows * w, z, act_bits), rows, w);
          ++blocks;
        }
  CHECK(blocks == 4 * 16 * 7 * 3);
}

TEST_CASE("adversarial blocks round trip", "[formats]") {
  for (Format fmt : kFormats)
    for (int b : {1, 2, 3, 4, 5, 8, 16}) {
      const int act_bits = 8;
      const FormatSpec f = FormatSpec::make(fmt, act_bits, b);
      const int span = 1 << std::min(b, 6);  // 2^b, capped so the maps stay small
      std::vector<std::pair<const char*, std::pair<int, V>>> maps;  // name, (rows, values)
      auto add = [&](const char* name, int rows, V v) { maps.push_back({name, {rows, v}}); };
      const int w = fmt == Format::Coord ? std::min(1 << b, 37) : 37;  // 37: not a word multiple
      add("all zeros", 3, V(size_t(3 * w), 0));
      add("no zeros", 2, V(size_t(2 * w), -128));
      V last(size_t(3 * w), 0);
      last.back() = 127;
      add("one non-zero at the very end", 3, last);
      V first(size_t(3 * w), 0);
      first.front() = -1;
      add("one non-zero at the start", 3, first);
      for (int extra : {-1, 0, 1}) {
        // A run of exactly 2^b - 1, 2^b, 2^b + 1 zeros before a value (rle fillers), laid out
        // over as many rows as it needs.
        const int run = span + extra;
        const int n = run + 2;
        const int rows = (n + w - 1) / w;
        V v(size_t(rows * w), 0);
        v[0] = 5;
        v[size_t(run + 1)] = 6;
        add(extra < 0 ? "run 2^b-1" : extra == 0 ? "run 2^b" : "run 2^b+1", rows, v);
        V tail(size_t(rows * w), 0);  // the same runs at the end of a block
        tail[size_t(rows * w - run - 1)] = 9;
        add("trailing run", rows, tail);
      }
      V longrun(size_t(4 * w), 0);
      longrun[size_t(2 * w + 3)] = 3;
      add("long runs", 4, longrun);
      for (const auto& [name, m] : maps) {
        INFO(zasgen::to_string(fmt) << " b=" << b << " " << name);
        check_round_trip(f, m.second, m.first, int(m.second.size()) / m.first);
      }
      // Rows of width 1.
      V col{0, 4, 0, 0, -4, 0};
      INFO(zasgen::to_string(fmt) << " b=" << b << " width 1");
      check_round_trip(f, col, 6, 1);
    }
}

TEST_CASE("rle runs at the filler boundary, entry by entry", "[formats]") {
  const FormatSpec f = FormatSpec::make(Format::Rle, 8, 3, 16);  // 2^b = 8
  auto enc = [&](int zeros) {
    V v(size_t(zeros + 1), 0);
    v.back() = 1;
    return encode_block(f, v.data(), 1, zeros + 1).entries;
  };
  const uint64_t filler = uint64_t(7) << 8;
  CHECK(enc(7) == W{1 | uint64_t(7) << 8});          // 2^b - 1: fits one run
  CHECK(enc(8) == W{filler, 1});                     // 2^b: filler + run 0
  CHECK(enc(9) == W{filler, 1 | uint64_t(1) << 8});  // 2^b + 1: filler + run 1
  CHECK(enc(16) == W{filler, filler, 1});
  CHECK(enc(0) == W{1});
}

TEST_CASE("encoding rejects what the format cannot hold", "[formats]") {
  using C = FormatError::Code;
  const V v{0, 200, 0};
  CHECK(error_code([&] { encode_block(FormatSpec::make(Format::Rle, 8, 4), v.data(), 1, 3); }) ==
        C::ValueOutOfRange);
  const V neg{-129};
  CHECK(error_code([&] {
          encode_block(FormatSpec::make(Format::Dense, 8, 0), neg.data(), 1, 1);
        }) == C::ValueOutOfRange);
  // coord with W = 9 needs 4 index bits.
  const V nine(9, 1);
  CHECK(error_code([&] {
          encode_block(FormatSpec::make(Format::Coord, 8, 3), nine.data(), 1, 9);
        }) == C::IndexTooNarrow);
  CHECK_NOTHROW(encode_block(FormatSpec::make(Format::Coord, 8, 4), nine.data(), 1, 9));
  const V eight(8, 1);
  CHECK_NOTHROW(encode_block(FormatSpec::make(Format::Coord, 8, 3), eight.data(), 1, 8));
  // Table words that overflow: 8 entries in a 3-bit count.
  CHECK(error_code([&] {
          encode_block(FormatSpec::make(Format::Rle, 8, 4, 3), eight.data(), 1, 8);
        }) == C::TableWordOverflow);
  CHECK(error_code([&] {
          encode_block(FormatSpec::make(Format::Coord, 8, 3, 3), eight.data(), 1, 8);
        }) == C::TableWordOverflow);
  CHECK_NOTHROW(encode_block(FormatSpec::make(Format::Coord, 8, 3, 4), eight.data(), 1, 8));
}

TEST_CASE("decoding rejects malformed blocks", "[formats]") {
  using C = FormatError::Code;
  SECTION("coord") {
    const FormatSpec f = FormatSpec::make(Format::Coord, 4, 3, 4);  // W = 5 below
    const W good_e{0x13, 0x4F}, good_t{2, 0};
    REQUIRE(decode_block(f, Block{good_e, good_t}, 2, 5) == V{0, 3, 0, 0, -1, 0, 0, 0, 0, 0});
    CHECK(decode_code(f, good_e, W{2}, 2, 5) == C::Truncated);     // a row count missing
    CHECK(decode_code(f, W{0x13}, good_t, 2, 5) == C::Truncated);  // an entry missing
    CHECK(decode_code(f, W{0x13, 0x5F}, good_t, 2, 5) == C::IndexOutOfRange);  // x = 5
    CHECK(decode_code(f, W{0x4F, 0x13}, good_t, 2, 5) == C::NotIncreasing);
    CHECK(decode_code(f, W{0x13, 0x1F}, good_t, 2, 5) == C::NotIncreasing);  // same x twice
    CHECK(decode_code(f, W{0x13, 0x40}, good_t, 2, 5) == C::ZeroValue);
    CHECK(decode_code(f, good_e, W{6, 0}, 2, 5) == C::CountTooLarge);
    CHECK(decode_code(f, W{0x13, 0x4F | 0x80}, good_t, 2, 5) == C::StrayBits);  // bit 7
    CHECK(decode_code(f, good_e, W{2, 0x10}, 2, 5) == C::StrayBits);            // bit 4
    CHECK(decode_code(f, W{0x13, 0x4F, 0x11}, good_t, 2, 5) == C::TrailingWords);
    CHECK(decode_code(f, good_e, W{2, 0, 0}, 2, 5) == C::TrailingWords);
  }
  SECTION("rle") {
    const FormatSpec f = FormatSpec::make(Format::Rle, 4, 2, 8);  // 2^b = 4
    REQUIRE(decode_block(f, Block{W{0x30, 0x15, 0x30}, W{3}}, 1, 10) ==
            V{0, 0, 0, 0, 0, 5, 0, 0, 0, 0});
    CHECK(decode_code(f, W{0x30, 0x15}, W{3}, 1, 10) == C::Truncated);
    CHECK(decode_code(f, W{0x30}, W{}, 1, 10) == C::Truncated);
    CHECK(decode_code(f, W{0x20}, W{1}, 1, 10) == C::ZeroValue);  // value 0, run 2: not a filler
    CHECK(decode_code(f, W{0x30, 0x30, 0x35}, W{3}, 1, 10) == C::RunPastEnd);  // 8 + 3 = 11
    CHECK(decode_code(f, W{0x30, 0x30, 0x30}, W{3}, 1, 10) == C::RunPastEnd);  // filler 8..11
    CHECK(decode_code(f, W{0x35}, W{1}, 1, 10) == C::NonCanonical);  // 6 trailing zeros, no filler
    CHECK(decode_block(f, Block{W{0x35, 0x30}, W{2}}, 1, 10) == V{0, 0, 0, 5, 0, 0, 0, 0, 0, 0});
    CHECK(decode_code(f, W{}, W{0}, 1, 4) == C::NonCanonical);     // 4 zeros without a filler
    CHECK(decode_block(f, Block{W{}, W{0}}, 1, 3) == V{0, 0, 0});  // 3 zeros: nothing to emit
    CHECK(decode_code(f, W{0x75}, W{1}, 1, 10) == C::StrayBits);
  }
  SECTION("bitmap") {
    const FormatSpec f = FormatSpec::make(Format::Bitmap, 4, 3);
    const W good_e{1, 2, 0xD}, good_t{5, 0, 1};
    REQUIRE(decode_block(f, Block{good_e, good_t}, 1, 7) == V{1, 0, 2, 0, 0, 0, -3});
    CHECK(decode_code(f, W{1, 2}, good_t, 1, 7) == C::Truncated);
    CHECK(decode_code(f, good_e, W{5, 0}, 1, 7) == C::Truncated);
    CHECK(decode_code(f, W{1, 2, 0xD, 4}, W{5, 0, 3}, 1, 7) == C::MaskBeyondWidth);  // x = 7
    CHECK(decode_code(f, W{1, 0, 0xD}, good_t, 1, 7) == C::ZeroValue);
    CHECK(decode_code(f, good_e, W{5, 8, 1}, 1, 7) == C::StrayBits);
  }
  SECTION("dense") {
    const FormatSpec f = FormatSpec::make(Format::Dense, 4, 0);
    CHECK(decode_code(f, W{1, 2}, W{}, 1, 3) == C::Truncated);
    CHECK(decode_code(f, W{1, 2, 0x10}, W{}, 1, 3) == C::StrayBits);
    CHECK(decode_code(f, W{1, 2, 3}, W{7}, 1, 3) == C::TrailingWords);  // dense has no table
  }
}

TEST_CASE("storage cost matches the ARCH 3 formula on a worked example", "[formats]") {
  // 2 rows x 16, 4 non-zeros, act 8 bits, index 4 bits.
  V v(32, 0);
  v[3] = 1, v[15] = 2, v[16] = 3, v[31] = 4;
  const FormatSpec coord = FormatSpec::make(Format::Coord, 8, 4, 5);
  CHECK(storage_bits(coord, encode_block(coord, v.data(), 2, 16)) == 4 * 12 + 2 * 5);
  // rle: gaps 3, 11, 0, 14 (b = 4 -> max run 15): no fillers.
  const FormatSpec rle = FormatSpec::make(Format::Rle, 8, 4, 10);
  CHECK(storage_bits(rle, encode_block(rle, v.data(), 2, 16)) == 4 * 12 + 1 * 10);
  // rle with b = 2: gap 11 -> 2 fillers + run 3; gap 14 -> 3 fillers + run 2.
  const FormatSpec rle2 = FormatSpec::make(Format::Rle, 8, 2, 10);
  CHECK(encode_block(rle2, v.data(), 2, 16).entries.size() == 4 + 2 + 3);
  CHECK(storage_bits(rle2, encode_block(rle2, v.data(), 2, 16)) == 9 * 10 + 10);
  // bitmap b = 4: 2 rows x 4 words of 4 bits.
  const FormatSpec bm = FormatSpec::make(Format::Bitmap, 8, 4);
  CHECK(storage_bits(bm, encode_block(bm, v.data(), 2, 16)) == 4 * 8 + 8 * 4);
  const FormatSpec dense = FormatSpec::make(Format::Dense, 8, 0);
  CHECK(storage_bits(dense, encode_block(dense, v.data(), 2, 16)) == dense_bits(dense, 2, 16));
  CHECK(dense_bits(dense, 2, 16) == 256);
  CHECK(storage_bits(coord, 10, 3) == 10 * 12 + 3 * 5);
}
