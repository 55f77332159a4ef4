// The host driver: what firmware on a real system does to run the accelerator, through the
// register map (rtl/regmap.h, the same description the RTL was generated from) and the
// load/store port of an RtlModel.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/rtl/regmap.h"
#include "zasgen/sim/rtl_model.h"

namespace zasgen::sim {

// Packs fields of given widths LSB first into 32-bit beats (wide memory words).
class BitPacker {
 public:
  void put(uint64_t value, int bits);
  void pad_to_beat();
  const std::vector<uint32_t>& beats() const { return beats_; }
  int bit_count() const { return bits_; }

 private:
  std::vector<uint32_t> beats_;
  int bits_ = 0;  // bits used in the last beat, 0..32
};

// The run descriptor (ARCH 5), field by field as in the RUN_* registers.
struct RunRegs {
  int c = 1, rows = 1, w = 1, yoff = 0, pad = 0, oh = 1, ow = 1, pitch = 1;
  int r = 1, s = 1, stride_log2 = 0, groups = 1, kvalid = 1;
  bool first = true, last = true, relu = true, pool = false, defer = false;
  uint32_t mult = 1;
  int shift = 0, wrows = 1;
};

struct PerfCounters {
  uint64_t cycles = 0, nnz = 0, macs = 0, active = 0;
  uint64_t stall_weight = 0, stall_decode = 0, stall_drain = 0, stall_clear = 0;
  uint64_t stall_lane = 0, stall_tail = 0, drain_busy = 0;
  PerfCounters& operator+=(const PerfCounters& o);
};

class Host {
 public:
  Host(RtlModel& model, const ArchParams& p);

  // Register access by name; fields by name, range-checked against their widths.
  void write(const std::string& reg, const std::vector<std::pair<std::string, uint64_t>>& fields);
  uint32_t read(const std::string& reg);
  uint64_t read_field(const std::string& reg, const std::string& field);

  // Loads and fetches go to the memories directly instead of through the load/store port
  // (no cycles pass; the same words land in the same SRAM models), except while the model
  // records a replayable bus trace. The port itself is then left to the tests that use it.
  void set_direct_memory(bool on) { direct_ = on; }

  // The load/store port. Words are `width` bits (a memory's word), given as beats.
  void load(rtl::MemClass cls, int buf, int index, uint32_t addr,
            const std::vector<uint32_t>& beats);
  std::vector<uint64_t> fetch(rtl::MemClass cls, int buf, int index, uint32_t addr, size_t n,
                              int width);

  // Writes the run registers, starts, waits for the interrupt, acknowledges it and returns
  // the run's counters. Throws when the run times out or an output bank overflowed.
  // `before_start`, when given, is called right before the start write (coverage windows).
  PerfCounters run(const RunRegs& r, uint64_t timeout_cycles,
                   const std::function<void()>& before_start = nullptr);

  // Throws when STATUS.DMA_RANGE says a load or store went past a memory's depth since the
  // last check (`status`: a STATUS value already read). run() checks it too.
  void check_transfers(std::optional<uint32_t> status = std::nullopt);

  const rtl::RegMap& regs() const { return map_; }
  uint64_t cycles() const { return model_->cycles(); }

 private:
  bool direct() const { return direct_ && !model_->recording(); }
  RtlModel::Memory& memory(rtl::MemClass cls, int buf, int index);

  RtlModel* model_;
  ArchParams p_;
  rtl::RegMap map_;
  bool direct_ = false;
  std::map<std::string, RtlModel::Memory> memories_;
};

}  // namespace zasgen::sim
