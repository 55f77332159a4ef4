#include "zasgen/model/formats.h"

#include <stdexcept>
#include <utility>

#include "zasgen/util.h"

namespace zasgen::model {

FormatError::FormatError(Code code, std::string where, std::string problem, std::string accepted)
    : ModelError(to_string(code), std::move(where), std::move(problem), std::move(accepted)),
      code_(code) {}

const char* to_string(FormatError::Code c) {
  using C = FormatError::Code;
  switch (c) {
    case C::ValueOutOfRange:
      return "format-value-range";
    case C::IndexTooNarrow:
      return "format-index-too-narrow";
    case C::TableWordOverflow:
      return "format-table-overflow";
    case C::Truncated:
      return "format-truncated";
    case C::StrayBits:
      return "format-stray-bits";
    case C::IndexOutOfRange:
      return "format-index-range";
    case C::NotIncreasing:
      return "format-not-increasing";
    case C::CountTooLarge:
      return "format-count-too-large";
    case C::ZeroValue:
      return "format-zero-value";
    case C::RunPastEnd:
      return "format-run-past-end";
    case C::NonCanonical:
      return "format-non-canonical";
    case C::MaskBeyondWidth:
      return "format-mask-beyond-width";
    case C::TrailingWords:
      return "format-trailing-words";
  }
  return "format-?";
}

namespace {

uint64_t mask(int bits) {
  return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
}

std::string num(int64_t v) {
  return std::to_string(v);
}

std::string pos_str(int y, int x) {
  return "row " + num(y) + ", x " + num(x);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// FormatSpec

FormatSpec FormatSpec::from(const ArchParams& arch) {
  FormatSpec s;
  s.format = arch.format;
  s.act_bits = arch.act_bits;
  s.index_bits = arch.format == Format::Dense ? 0 : arch.index_bits;
  s.entry_bits = arch.entry_bits;
  s.table_bits = arch.table_bits;
  s.check();
  return s;
}

FormatSpec FormatSpec::make(Format format, int act_bits, int index_bits, int table_bits) {
  FormatSpec s;
  s.format = format;
  s.act_bits = act_bits;
  s.index_bits = format == Format::Dense ? 0 : index_bits;
  const bool indexed = format == Format::Coord || format == Format::Rle;
  s.entry_bits = act_bits + (indexed ? index_bits : 0);
  if (table_bits >= 0) {
    s.table_bits = table_bits;
  } else {
    switch (format) {
      case Format::Dense:
        s.table_bits = 0;
        break;
      case Format::Coord:
        s.table_bits = 16;
        break;
      case Format::Rle:
        s.table_bits = 32;
        break;
      case Format::Bitmap:
        s.table_bits = index_bits;
        break;
    }
  }
  s.check();
  return s;
}

void FormatSpec::check() const {
  auto fail = [](const std::string& m) { throw std::invalid_argument("FormatSpec: " + m); };
  if (act_bits < 2 || act_bits > 32) fail("act_bits " + num(act_bits) + " not in 2..32");
  if (format == Format::Dense) {
    if (entry_bits != act_bits) fail("dense entry_bits must equal act_bits");
    if (table_bits != 0) fail("dense has no table (table_bits 0)");
    return;
  }
  if (index_bits < 1 || index_bits > 32) fail("index_bits " + num(index_bits) + " not in 1..32");
  const bool indexed = format == Format::Coord || format == Format::Rle;
  if (entry_bits != act_bits + (indexed ? index_bits : 0))
    fail("entry_bits " + num(entry_bits) + " inconsistent with act_bits and index_bits");
  if (table_bits < 1 || table_bits > 32) fail("table_bits " + num(table_bits) + " not in 1..32");
  if (format == Format::Bitmap && table_bits != index_bits)
    fail("bitmap table_bits must equal index_bits");
}

// ---------------------------------------------------------------------------------------------
// Entry fields and cost

uint64_t pack_entry(const FormatSpec& spec, int32_t value, uint64_t index) {
  return (uint64_t(int64_t(value)) & mask(spec.act_bits)) | (index << spec.act_bits);
}

int32_t entry_value(const FormatSpec& spec, uint64_t entry) {
  const uint64_t raw = entry & mask(spec.act_bits);
  const uint64_t sign = uint64_t(1) << (spec.act_bits - 1);
  return int32_t(int64_t(raw ^ sign) - int64_t(sign));  // sign extension without shifts
}

uint64_t entry_index(const FormatSpec& spec, uint64_t entry) {
  return (entry >> spec.act_bits) & mask(spec.entry_bits - spec.act_bits);
}

int64_t storage_bits(const FormatSpec& spec, size_t n_entries, size_t n_table) {
  return int64_t(n_entries) * spec.entry_bits + int64_t(n_table) * spec.table_bits;
}

int64_t storage_bits(const FormatSpec& spec, const Block& block) {
  return storage_bits(spec, block.entries.size(), block.table.size());
}

int64_t dense_bits(const FormatSpec& spec, int rows, int w) {
  return int64_t(rows) * w * spec.act_bits;
}

// ---------------------------------------------------------------------------------------------
// Encoding

namespace {

void check_dims(int rows, int w) {
  if (rows < 1 || w < 1)
    throw std::invalid_argument("block of " + num(rows) + "x" + num(w) +
                                ": dimensions must be >= 1");
}

void check_value(const FormatSpec& spec, int32_t v, int y, int x) {
  const int64_t lo = -(int64_t(1) << (spec.act_bits - 1)), hi = -lo - 1;
  if (v < lo || v > hi)
    throw FormatError(FormatError::Code::ValueOutOfRange, pos_str(y, x),
                      "value " + num(v) + " does not fit signed act_bits = " + num(spec.act_bits),
                      num(lo) + " .. " + num(hi));
}

uint64_t table_word(const FormatSpec& spec, uint64_t count, const std::string& what) {
  if (count > mask(spec.table_bits))
    throw FormatError(
        FormatError::Code::TableWordOverflow, what,
        "count " + num(int64_t(count)) + " does not fit table_bits = " + num(spec.table_bits),
        "at most " + num(int64_t(mask(spec.table_bits))));
  return count;
}

void encode_dense(const FormatSpec& spec, const int32_t* v, int rows, int w, Block& out) {
  for (int i = 0; i < rows * w; ++i) out.entries.push_back(pack_entry(spec, v[i], 0));
}

// A coord block of width w needs clog2(w) column-index bits (the encoder's rule, and so the
// decoder's: it accepts nothing the encoder would not write).
void check_coord_width(const FormatSpec& spec, int w) {
  if (clog2(w) > spec.index_bits)
    throw FormatError(FormatError::Code::IndexTooNarrow, "block",
                      "width " + num(w) + " needs " + num(clog2(w)) +
                          " column-index bits, index_bits = " + num(spec.index_bits),
                      "W <= " + num(int64_t(1) << spec.index_bits));
}

void encode_coord(const FormatSpec& spec, const int32_t* v, int rows, int w, Block& out) {
  check_coord_width(spec, w);
  for (int y = 0; y < rows; ++y) {
    uint64_t count = 0;
    for (int x = 0; x < w; ++x) {
      if (v[y * w + x] == 0) continue;
      out.entries.push_back(pack_entry(spec, v[y * w + x], uint64_t(x)));
      ++count;
    }
    out.table.push_back(table_word(spec, count, "row " + num(y)));
  }
}

// ARCH 3, "rle encoder, exactly": a filler (0, 2^b - 1) is emitted as soon as 2^b zeros are
// pending, whether or not a non-zero follows (a streaming encoder cannot know); only the last
// partial run of zeros is dropped.
void encode_rle(const FormatSpec& spec, const int32_t* v, int rows, int w, Block& out) {
  const uint64_t max_run = mask(spec.index_bits);
  const size_t first = out.entries.size();
  uint64_t z = 0;
  for (int i = 0; i < rows * w; ++i) {
    if (v[i] != 0) {
      out.entries.push_back(pack_entry(spec, v[i], z));
      z = 0;
    } else if (z == max_run) {
      out.entries.push_back(pack_entry(spec, 0, z));
      z = 0;
    } else {
      ++z;
    }
  }
  out.table.push_back(table_word(spec, out.entries.size() - first, "block"));
}

void encode_bitmap(const FormatSpec& spec, const int32_t* v, int rows, int w, Block& out) {
  const int b = spec.index_bits;
  const int words = int(ceil_div(w, b));
  for (int y = 0; y < rows; ++y)
    for (int j = 0; j < words; ++j) {
      uint64_t word = 0;
      for (int i = 0; i < b && j * b + i < w; ++i) {
        const int32_t val = v[y * w + j * b + i];
        if (val == 0) continue;
        word |= uint64_t(1) << i;
        out.entries.push_back(pack_entry(spec, val, 0));
      }
      out.table.push_back(word);
    }
}

}  // namespace

void encode_block_into(const FormatSpec& spec, const int32_t* values, int rows, int w, Block& out) {
  spec.check();
  check_dims(rows, w);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < w; ++x) check_value(spec, values[y * w + x], y, x);
  switch (spec.format) {
    case Format::Dense:
      encode_dense(spec, values, rows, w, out);
      break;
    case Format::Coord:
      encode_coord(spec, values, rows, w, out);
      break;
    case Format::Rle:
      encode_rle(spec, values, rows, w, out);
      break;
    case Format::Bitmap:
      encode_bitmap(spec, values, rows, w, out);
      break;
  }
}

Block encode_block(const FormatSpec& spec, const int32_t* values, int rows, int w) {
  Block b;
  encode_block_into(spec, values, rows, w, b);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Decoding

namespace {

// Reads words in order from one stream, checking that it does not run out and that no bit
// above the word width is set. Locations are built only when an error is thrown, so decoding a
// large image does not allocate per word.
class WordStream {
 public:
  WordStream(const char* kind, const uint64_t* words, size_t n, int bits)
      : kind_(kind), words_(words), n_(n), bits_(bits) {}

  uint64_t take() {
    if (used_ >= n_)
      throw FormatError(FormatError::Code::Truncated, name(used_),
                        std::string("the block needs more words: only ") + num(int64_t(n_)) + " " +
                            kind_ + "s are available");
    const uint64_t w = words_[used_];
    if (w & ~mask(bits_))
      throw FormatError(FormatError::Code::StrayBits, name(used_),
                        "bits set above bit " + num(bits_ - 1), "words of " + num(bits_) + " bits");
    ++used_;
    return w;
  }
  size_t used() const { return used_; }
  // "entry 17": the word at index i of this stream (block-relative), for messages.
  std::string name(size_t i) const { return std::string(kind_) + " " + num(int64_t(i)); }

 private:
  const char* kind_;
  const uint64_t* words_;
  size_t n_;
  int bits_;
  size_t used_ = 0;
};

std::string at_row(const std::string& word, int y) {
  return word + " (row " + num(y) + ")";
}

void decode_dense(const FormatSpec& spec, WordStream& e, int rows, int w, int32_t* out) {
  for (int i = 0; i < rows * w; ++i) out[i] = entry_value(spec, e.take());
}

void decode_coord(const FormatSpec& spec, WordStream& e, WordStream& t, int rows, int w,
                  int32_t* out) {
  check_coord_width(spec, w);
  for (int y = 0; y < rows; ++y) {
    const uint64_t count = t.take();
    if (count > uint64_t(w))
      throw FormatError(FormatError::Code::CountTooLarge, at_row(t.name(t.used() - 1), y),
                        "row count " + num(int64_t(count)) + " exceeds the width",
                        "0 .. " + num(w));
    int64_t prev = -1;
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t word = e.take();
      const uint64_t x = entry_index(spec, word);
      const int32_t v = entry_value(spec, word);
      auto where = [&] { return at_row(e.name(e.used() - 1), y); };
      if (x >= uint64_t(w))
        throw FormatError(FormatError::Code::IndexOutOfRange, where(),
                          "column " + num(int64_t(x)) + " is outside the row",
                          "0 .. " + num(w - 1));
      if (int64_t(x) <= prev)
        throw FormatError(FormatError::Code::NotIncreasing, where(),
                          "column " + num(int64_t(x)) + " follows column " + num(prev),
                          "strictly increasing columns within a row");
      if (v == 0)
        throw FormatError(FormatError::Code::ZeroValue, where(), "stores the value 0",
                          "non-zero values only");
      out[y * w + int(x)] = v;
      prev = int64_t(x);
    }
  }
}

void decode_rle(const FormatSpec& spec, WordStream& e, WordStream& t, int rows, int w,
                int32_t* out) {
  const uint64_t n_pos = uint64_t(rows) * uint64_t(w);
  const uint64_t max_run = mask(spec.index_bits);
  const uint64_t filler_span = max_run + 1;  // a filler stands for 2^b zeros
  const uint64_t count = t.take();
  uint64_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t word = e.take();
    const uint64_t run = entry_index(spec, word);
    const int32_t v = entry_value(spec, word);
    auto where = [&] { return e.name(e.used() - 1); };
    if (v == 0) {
      if (run != max_run)
        throw FormatError(FormatError::Code::ZeroValue, where(),
                          "value 0 with run " + num(int64_t(run)) + " is not a filler",
                          "value 0 only in a filler, run " + num(int64_t(max_run)));
      if (pos + filler_span > n_pos)
        throw FormatError(FormatError::Code::RunPastEnd, where(),
                          "filler at position " + num(int64_t(pos)) + " covers " +
                              num(int64_t(filler_span)) + " zeros past the end of the block",
                          num(int64_t(n_pos)) + " positions");
      pos += filler_span;
      continue;
    }
    pos += run;
    if (pos >= n_pos)
      throw FormatError(FormatError::Code::RunPastEnd, where(),
                        "run of " + num(int64_t(run)) + " zeros puts the value at position " +
                            num(int64_t(pos)) + ", past the end of the block",
                        num(int64_t(n_pos)) + " positions");
    out[pos++] = v;
  }
  if (n_pos - pos >= filler_span)
    throw FormatError(FormatError::Code::NonCanonical, "block",
                      num(int64_t(n_pos - pos)) + " trailing zeros left unencoded",
                      "fewer than " + num(int64_t(filler_span)) +
                          " (the encoder emits a filler for every " + num(int64_t(filler_span)) +
                          ")");
}

void decode_bitmap(const FormatSpec& spec, WordStream& e, WordStream& t, int rows, int w,
                   int32_t* out) {
  const int b = spec.index_bits;
  const int words = int(ceil_div(w, b));
  for (int y = 0; y < rows; ++y)
    for (int j = 0; j < words; ++j) {
      const uint64_t word = t.take();
      for (int i = 0; i < b; ++i) {
        if (!((word >> i) & 1)) continue;
        const int x = j * b + i;
        if (x >= w)
          throw FormatError(FormatError::Code::MaskBeyondWidth, at_row(t.name(t.used() - 1), y),
                            "bit " + num(i) + " marks x = " + num(x) + ", outside the row",
                            "unused high bits of the last word 0");
        const int32_t v = entry_value(spec, e.take());
        if (v == 0)
          throw FormatError(FormatError::Code::ZeroValue,
                            e.name(e.used() - 1) + " (" + pos_str(y, x) + ")", "stores the value 0",
                            "non-zero values only");
        out[y * w + x] = v;
      }
    }
}

void check_all_used(const char* kind, size_t used, size_t n) {
  if (used != n)
    throw FormatError(FormatError::Code::TrailingWords, kind,
                      num(int64_t(n - used)) + " words left after the block (" +
                          num(int64_t(used)) + " of " + num(int64_t(n)) + " used)",
                      "exactly the words of one block");
}

}  // namespace

std::vector<int32_t> decode_block(const FormatSpec& spec, const uint64_t* entries, size_t n_entries,
                                  const uint64_t* table, size_t n_table, int rows, int w,
                                  size_t* entries_used, size_t* table_used) {
  spec.check();
  check_dims(rows, w);
  std::vector<int32_t> out(size_t(rows) * size_t(w), 0);
  WordStream e("entry", entries, n_entries, spec.entry_bits);
  WordStream t("table word", table, n_table, spec.format == Format::Dense ? 1 : spec.table_bits);
  switch (spec.format) {
    case Format::Dense:
      decode_dense(spec, e, rows, w, out.data());
      break;
    case Format::Coord:
      decode_coord(spec, e, t, rows, w, out.data());
      break;
    case Format::Rle:
      decode_rle(spec, e, t, rows, w, out.data());
      break;
    case Format::Bitmap:
      decode_bitmap(spec, e, t, rows, w, out.data());
      break;
  }
  if (entries_used)
    *entries_used = e.used();
  else
    check_all_used("entries", e.used(), n_entries);
  if (table_used)
    *table_used = t.used();
  else
    check_all_used("table", t.used(), n_table);
  return out;
}

std::vector<int32_t> decode_block(const FormatSpec& spec, const Block& block, int rows, int w) {
  return decode_block(spec, block.entries.data(), block.entries.size(), block.table.data(),
                      block.table.size(), rows, w);
}

}  // namespace zasgen::model
