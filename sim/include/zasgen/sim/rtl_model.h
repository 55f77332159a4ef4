// A loaded simulator of one generated design (see sim/harness/zsim_api.cpp): the pins a host
// drives, as calls. Owns the shared library handle and the model instance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  // Coverage builds only (BuildRequest::coverage): zero the counts, or write them to a file.
  bool has_coverage() const { return cov_zero_ != nullptr; }
  void coverage_zero();
  void coverage_write(const std::string& path);

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
  void (*cov_zero_)(void*) = nullptr;
  void (*cov_write_)(void*, const char*) = nullptr;
};

}  // namespace zasgen::sim
