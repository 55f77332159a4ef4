// What each fuzz target does with one input. Shared by the libFuzzer entry points
// (tests/fuzz/fuzz_*.cpp, built with -DZASGEN_FUZZ=ON and clang) and by the unit test that
// replays the checked-in corpora and every crash ever found (tests/rtl/test_fuzz_corpus.cpp),
// so that a finding, once fixed, stays fixed in every build.
//
// A body returns normally for any input: bad input must end in the library's own diagnostics
// or errors. Anything else escapes as a crash: an unexpected exception, a sanitizer report, or
// a FuzzFinding for a broken property (a bounded message, valid JSON, an encoder/decoder round
// trip, "validates, so it generates").
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/config.h"
#include "zasgen/model/formats.h"
#include "zasgen/model/network.h"
#include "zasgen/model/npy.h"
#include "zasgen/rtl/elaborate.h"
#include "zasgen/text.h"

namespace zasgen::fuzz {

struct FuzzFinding : std::logic_error {
  using std::logic_error::logic_error;
};

inline void require(bool ok, const std::string& what) {
  if (!ok) throw FuzzFinding(what);
}

// Bytes taken from the front of the input, as a fuzzer-friendly source of small choices.
class Bytes {
 public:
  Bytes(const uint8_t* data, std::size_t size) : d_(data), n_(size) {}
  std::size_t left() const { return n_ - i_; }
  uint64_t take(int bytes) {
    uint64_t v = 0;
    for (int k = 0; k < bytes; ++k) v = v << 8 | (i_ < n_ ? d_[i_++] : 0);
    return v;
  }
  int in_range(int lo, int hi) { return lo + int(take(1) % uint64_t(hi - lo + 1)); }

 private:
  const uint8_t* d_;
  std::size_t n_, i_ = 0;
};

// ---- the YAML front end: parse, validate, derive, render ----

inline void check_rendering(const Diagnostics& d) {
  require(d.size() <= Diagnostics::kMaxKept, "more diagnostics kept than the cap");
  const std::string text = render_text(d);
  // Bounded: a quoted line window, arguments cut to size.
  require(text.size() <= (d.size() + 1) * 4096, "a rendered diagnostic is too long");
  for (char c : text)
    require(c == '\n' || c == '\t' || static_cast<unsigned char>(c) >= 0x20,
            "a control character in rendered text");
  const std::string json = render_json(d);
  require(utf8_error_offset(json) == std::string::npos, "JSON diagnostics are not UTF-8");
  const auto j = nlohmann::json::parse(json);  // throws on invalid JSON
  require(j.is_array() && j.size() == d.size() + (d.dropped() ? 1 : 0), "JSON array size");
}

// Returns the parameters when the text is a valid configuration.
inline std::optional<ArchParams> config_one(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const ParseResult pr = parse_config_text(text, "fuzz.yaml");
  require(pr.ok() == pr.diags.empty(), "parse: a config with diagnostics, or none without");
  check_rendering(pr.diags);
  if (!pr.config) return std::nullopt;
  const ValidateResult vr = validate(*pr.config);
  require(vr.ok() == vr.diags.empty(), "validate: params with diagnostics, or none without");
  check_rendering(vr.diags);
  if (!vr.params) return std::nullopt;
  const ArchParams& p = *vr.params;
  for (const MemGeom* g : {&p.act_in, &p.act_out, &p.weights, &p.psum, &p.bias})
    require(g->banks >= 1 && g->depth >= 1 && g->width >= 1, "a derived memory is empty");
  const ArchParams twin = p.dense_twin();
  require(twin.format == Format::Dense && twin.act_in.depth >= 1, "dense twin");
  return p;
}

// ---- `--layer` ----

inline void layer_one(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  model::ResolvedLayer r;
  try {
    r = model::resolve_layer(text);
  } catch (const model::LayerSpecError& e) {
    require(std::string(e.what()).size() < 2000, "an unbounded layer error");
    return;
  }
  model::check_layer_shape(r.spec);  // throws LayerSpecError: a resolved layer must be sound
  require(r.spec.out_h() >= 1 && r.spec.out_w() >= 1, "a resolved layer without output");
  require(model::parse_layer_spec(r.spec.to_string()) == r.spec, "to_string does not round trip");
}

// ---- the .npy reader ----

inline void npy_one(const uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  model::NpyArray a;
  try {
    a = model::parse_npy(bytes, "fuzz.npy");
  } catch (const model::NpyError& e) {
    require(std::string(e.what()).size() < 2000, "an unbounded npy error");
    return;
  }
  require(int64_t(a.values.size()) == a.count(), "values do not match the shape");
  std::string again;
  try {
    again = model::serialize_npy(a);
  } catch (const model::NpyError&) {
    return;  // e.g. a float32 value beyond 2^24, which the writer does not store as float32
  }
  const model::NpyArray b = model::parse_npy(again, "again.npy");
  require(b.shape == a.shape && b.values == a.values && b.dtype == a.dtype, "npy round trip");
}

// ---- the sparse-format decoders ----

inline void formats_one(const uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const Format formats[] = {Format::Dense, Format::Coord, Format::Rle, Format::Bitmap};
  const Format f = formats[in.take(1) % 4];
  const int act = in.in_range(2, 16);
  const int ib = f == Format::Bitmap ? in.in_range(2, 32) : in.in_range(1, 16);
  const int rows = in.in_range(1, 6), w = in.in_range(1, 40);
  const model::FormatSpec spec = model::FormatSpec::make(f, act, ib);
  const std::size_t n_entries = std::size_t(in.take(1) % 80),
                    n_table = std::size_t(in.take(1) % 24);
  model::Block b;
  for (std::size_t i = 0; i < n_entries; ++i) b.entries.push_back(in.take(in.in_range(1, 8)));
  for (std::size_t i = 0; i < n_table; ++i) b.table.push_back(in.take(in.in_range(1, 8)));
  std::vector<int32_t> values;
  try {
    values = model::decode_block(spec, b, rows, w);
  } catch (const model::FormatError&) {
    return;
  }
  // The decoder accepts exactly what the encoder produces: re-encoding gives the same words.
  require(values.size() == std::size_t(rows) * std::size_t(w), "decoded block size");
  const model::Block again = model::encode_block(spec, values.data(), rows, w);
  require(again == b, "decode accepted a block the encoder would not write");
}

// ---- derive -> elaborate -> IR checks -> Verilog, for any configuration that validates ----

inline void elaborate_one(const uint8_t* data, std::size_t size) {
  const std::optional<ArchParams> p = config_one(data, size);
  if (!p) return;
  rtl::GenerateOptions o;
  o.tool_version = "fuzz";
  // Throws (std::logic_error from a builder or check) for a design that cannot be generated:
  // exactly the "check says ok, generate fails" class.
  const std::vector<rtl::OutputFile> files = rtl::generate_files(*p, o);
  require(!files.empty(), "no files generated");
}

}  // namespace zasgen::fuzz
