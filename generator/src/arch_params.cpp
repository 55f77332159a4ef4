#include "zasgen/arch_params.h"

#include <cstdio>

#include <algorithm>
#include <cmath>

#include "zasgen/util.h"

namespace zasgen {

const char* to_string(Mode m) {
  return m == Mode::Sparse ? "sparse" : "dense";
}

const char* to_string(Format f) {
  switch (f) {
    case Format::Dense:
      return "dense";
    case Format::Coord:
      return "coord";
    case Format::Rle:
      return "rle";
    case Format::Bitmap:
      return "bitmap";
  }
  return "?";
}

const char* to_string(PsumStorage s) {
  return s == PsumStorage::Sram ? "sram" : "registers";
}

int MemGeom::addr_bits() const {
  return std::max(1, clog2(depth));
}

int ArchParams::weight_rows_per_channel(int r, int s) const {
  return int(ceil_div(r * s, weights.banks));
}

namespace {

// Words of `width` bits that fit `banks` banks in `kib` KiB, per bank.
int depth_for(double kib, int banks, int width) {
  if (banks <= 0 || width <= 0) return 0;
  const double bits = kib * 8192.0;
  return int(std::floor(bits / (double(banks) * width)));
}

}  // namespace

void derive(ArchParams& p) {
  if (p.mode == Mode::Dense) p.format = Format::Dense;
  switch (p.format) {
    case Format::Dense:
    case Format::Bitmap:
      p.entry_bits = p.act_bits;
      break;
    case Format::Coord:
    case Format::Rle:
      p.entry_bits = p.act_bits + p.index_bits;
      break;
  }
  p.act_in = {p.pes, depth_for(p.act_in_kib, p.pes, p.entry_bits), p.entry_bits};
  p.act_out = {p.pes, depth_for(p.act_out_kib, p.pes, p.entry_bits), p.entry_bits};
  switch (p.format) {
    case Format::Dense:
      p.table_bits = 0;
      break;
    case Format::Coord:
      p.table_bits = clog2(p.max_w + 1);
      break;
    case Format::Rle:
      p.table_bits = clog2(std::max(p.act_in.depth, p.act_out.depth) + 1);
      break;
    case Format::Bitmap:
      p.table_bits = p.index_bits;
      break;
  }
  if (p.table_bits > 0) {
    p.act_in_table = {p.pes, depth_for(p.act_in_table_kib, p.pes, p.table_bits), p.table_bits};
    p.act_out_table = {p.pes, depth_for(p.act_out_table_kib, p.pes, p.table_bits), p.table_bits};
  } else {
    p.act_in_table = {p.pes, 0, 0};
    p.act_out_table = {p.pes, 0, 0};
  }
  const int wwidth = p.pes * p.weight_bits;
  p.weights = {p.weight_banks, depth_for(p.weights_kib / p.lanes, p.weight_banks, wwidth), wwidth};
  const int pwidth = p.pes * p.acc_bits;
  p.psum = {p.taps(), depth_for(p.psum_kib / (2.0 * p.lanes), p.taps(), pwidth), pwidth};
  p.bias = {1, int(ceil_div(p.max_k, p.pes)), p.pes * p.bias_bits};
  // The requantisation shift spans the whole product (acc + bias + multiplier).
  p.shift_bits = clog2(p.acc_bits + 1 + p.mult_bits + 1);
}

ArchParams ArchParams::dense_twin() const {
  ArchParams d = *this;
  d.mode = Mode::Dense;
  d.format = Format::Dense;
  d.name = name + "_dense";
  derive(d);
  return d;
}

std::string ArchParams::source_id() const {
  if (source_name.empty()) return "(no config)";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(source_hash));
  return source_name + ", fnv1a " + hex;
}

}  // namespace zasgen
