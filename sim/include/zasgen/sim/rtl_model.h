// A loaded simulator of one generated design (see sim/harness/zsim_api.cpp): the pins a host
// drives, as calls. Owns the shared library handle and the model instance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zasgen/activity.h"
#include "zasgen/rtl/macros.h"
#include "zasgen/sim/bus_trace.h"

namespace zasgen::sim {

struct TraceOptions {
  std::string path;  // FST file; empty: no trace
  uint64_t from = 0, to = ~uint64_t(0);
};

class RtlModel {
 public:
  explicit RtlModel(const std::string& library, const TraceOptions& trace = {});
  ~RtlModel();
  RtlModel(const RtlModel&) = delete;
  RtlModel& operator=(const RtlModel&) = delete;

  void write(uint32_t addr, uint32_t data);  // AXI4-Lite; throws on SLVERR or timeout
  uint32_t read(uint32_t addr);
  void stream_in(const std::vector<uint32_t>& beats);
  std::vector<uint32_t> stream_out(size_t n);
  bool wait_irq(uint64_t max_cycles);
  void step(uint64_t n);
  uint64_t cycles() const;
  // Appends every following operation to `trace` (nullptr: stop). Start right after
  // construction to record a replayable run (BusTrace::begin is the reset's end).
  void record(BusTrace* trace);
  // A simulation-only 64-bit counter of the design by scope ("<top>.<instance path>") and
  // name, e.g. an SRAM model's n_reads: where the model keeps it (it changes as the model
  // runs), or nullptr when the design has no such counter.
  const uint64_t* counter(const std::string& scope, const std::string& name) const;
  // An SRAM model's bit cells by scope ("<top>.<instance path>"), to load and read a memory
  // directly instead of through the load/store port (no cycles pass). `valid()` is false when
  // the design has no such memory.
  class Memory {
   public:
    bool valid() const { return data_ != nullptr; }
    int width() const { return width_; }
    int depth() const { return depth_; }
    // Word `addr` from/to `words32` (its bits LSB first, 32 per element; bits past the width
    // are dropped on writes and zero on reads).
    void write(int addr, const uint32_t* words32);
    void read(int addr, uint32_t* words32) const;

   private:
    friend class RtlModel;
    unsigned char* data_ = nullptr;
    int width_ = 0, depth_ = 0, stride_ = 0;
  };
  Memory memory(const std::string& scope) const;
  bool recording() const { return rec_ != nullptr; }
  // Register activity: counting on or off (counts accumulate over the on periods), and the
  // counts so far as per-bit nets ("u_lane0.u_pe3.prod_q_2[5]"; a 1-bit register by its name),
  // over `cycles` counted cycles. The state of a register file's simulation view is named as
  // the synthesized registers it stands for (`macros`' sim_state), so the netlist finds them.
  void activity(bool on);
  void add_activity(SwitchingActivity& a, const rtl::MacroManifest* macros) const;
  // Coverage builds only (BuildRequest::coverage): zero the counts, or write them to a file.
  bool has_coverage() const { return cov_zero_ != nullptr; }
  void coverage_zero();
  void coverage_write(const std::string& path);
  // Instrumented builds only (profile-guided optimisation): write the profile counts.
  void profile_dump();

 private:
  BusTrace* rec_ = nullptr;  // not owned
  void* lib_ = nullptr;
  void* sim_ = nullptr;
  void* (*create_)(const char*, uint64_t, uint64_t) = nullptr;
  void (*destroy_)(void*) = nullptr;
  uint64_t (*cycles_)(void*) = nullptr;
  void (*step_)(void*, uint64_t) = nullptr;
  int (*axi_write_)(void*, uint32_t, uint32_t) = nullptr;
  int (*axi_read_)(void*, uint32_t, uint32_t*) = nullptr;
  uint64_t (*stream_in_)(void*, const uint32_t*, uint64_t) = nullptr;
  uint64_t (*stream_out_)(void*, uint32_t*, uint64_t) = nullptr;
  int (*wait_irq_)(void*, uint64_t) = nullptr;
  void* (*memory_)(void*, const char*, int*, int*, int*) = nullptr;
  const uint64_t* (*counter_)(void*, const char*, const char*) = nullptr;
  void (*activity_)(void*, int) = nullptr;
  uint64_t (*activity_probes_)(void*) = nullptr;
  const char* (*activity_probe_)(void*, uint64_t, int*, const uint64_t**,
                                 const uint64_t**) = nullptr;
  void (*cov_zero_)(void*) = nullptr;
  void (*cov_write_)(void*, const char*) = nullptr;
  void (*profile_dump_)() = nullptr;
};

}  // namespace zasgen::sim
