// ArchParams: the validated, derived, immutable description of one accelerator.
//
// Produced only by validate() (config.h) from a parsed Config; every later stage (RTL
// elaboration, simulation, synthesis, reports) takes it by const& and never changes it.
// Derived values live here, beside the parameters they come from, so there is exactly one
// place that decides e.g. how deep a partial-sum bank is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zasgen {

enum class Mode { Sparse, Dense };

// Storage format of activations in the activation buffers. Dense is used by arch.mode: dense.
enum class Format { Dense, Coord, Rle, Bitmap };

// Where the partial sums live: two-port SRAM macros, or registers with a clock gate per word
// (only the written word is clocked).
enum class PsumStorage { Sram, Registers };

const char* to_string(Mode m);
const char* to_string(Format f);
const char* to_string(PsumStorage s);

// One memory as the hardware sees it: `banks` independent macros of depth x width bits.
struct MemGeom {
  int banks = 0;
  int depth = 0;          // words per bank
  int width = 0;          // bits per word
  int addr_bits() const;  // clog2(depth), at least 1
  int64_t bits() const { return int64_t(banks) * depth * width; }
};

struct ArchParams {
  // ---- identity ----
  std::string name;          // design name: [a-z][a-z0-9_]*, default the config file stem
  std::string source;        // config file path as given on the command line (reports)
  std::string source_name;   // its file name without the folders (generated headers), made
                             // printable (control characters and invalid bytes as \xHH) and
                             // unable to end a C comment ("*/" as "*\/")
  uint64_t source_hash = 0;  // fnv1a of its bytes: generated files name the config by content

  // ---- arch ----
  Mode mode = Mode::Sparse;
  int pes = 16;   // processing elements = output channels computed at once
  int lanes = 1;  // activation lanes = input channels streamed at once (divides pes)

  // ---- data ----
  int act_bits = 8;     // signed activations
  int weight_bits = 8;  // signed weights
  int acc_bits = 28;    // signed partial sums; never overflows for max_c x max_r x max_s
  int bias_bits = 16;   // signed bias, added at accumulator scale
  int mult_bits = 16;   // unsigned requantisation multiplier
  int shift_bits = 6;   // width of the requantisation shift field (derived)

  // ---- kernel ----
  int max_r = 3;
  int max_s = 3;
  std::vector<int> strides{1, 2};  // supported strides, subset of {1, 2, 4}
  int max_pad = 3;

  // ---- limits ----
  int max_h = 224;
  int max_w = 224;
  int max_c = 512;
  int max_k = 512;

  // ---- sparse ----
  Format format = Format::Coord;  // Format::Dense iff mode == Dense
  int index_bits = 8;             // coord: column index; rle: zero-run; bitmap: mask word

  // ---- memories (as configured) ----
  double act_in_kib = 128;        // buffer A entries (each of the two ping-pong buffers
  double act_in_table_kib = 16;   //   has entries + a position table)
  double act_out_kib = 128;       // buffer B entries
  double act_out_table_kib = 16;  // buffer B position table
  double weights_kib = 128;       // all lanes together
  int weight_banks = 3;           // weight taps loaded per cycle
  double psum_kib = 384;          // both partial-sum sets of all lanes together
  PsumStorage psum_storage = PsumStorage::Sram;

  // ---- features ----
  bool pool = true;  // fused 2x2/2 max-pool in the output stage
  double target_mhz = 100.0;

  // ---- derived geometry ----
  int entry_bits = 0;  // one activation-buffer entry (value [+ index])
  int table_bits = 0;  // one position-table word: coord row count, rle entry count, bitmap
                       // mask word; 0 for dense (no table)

  MemGeom act_in;         // buffer A entries: banks = pes
  MemGeom act_in_table;   // buffer A position table (banks = pes; depth 0 when unused)
  MemGeom act_out;        // buffer B entries
  MemGeom act_out_table;  // buffer B position table
  MemGeom weights;        // per lane: banks = weight taps read per cycle, width = pes*weight_bits
  MemGeom psum;  // per lane and per set (2 sets): banks = max_r*max_s, width = pes*acc_bits
  MemGeom bias;  // 1 bank, depth = ceil(max_k/pes), width = pes*bias_bits

  // ---- convenience ----
  int taps() const { return max_r * max_s; }
  bool sparse() const { return mode == Mode::Sparse; }
  // Weight-SRAM rows one input channel occupies (its taps padded to whole rows).
  int weight_rows_per_channel(int r, int s) const;

  // The dense baseline with the same PE array and buffer capacities.
  ArchParams dense_twin() const;

  // How generated files name their config: "tiny.yaml, fnv1a 0123456789abcdef" (the file name
  // and a hash of its content, never the path it was given by), or "(no config)".
  std::string source_id() const;
};

// Fills every derived field of `p` from its configured fields. Pure; validate() calls it after
// checking the configured fields, dense_twin() after changing the mode.
void derive(ArchParams& p);

}  // namespace zasgen
