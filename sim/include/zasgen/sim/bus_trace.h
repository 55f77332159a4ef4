// A record of what a host did on the pins of a simulated design, operation by operation, with
// the clock cycles each took: what RtlModel performed (sim/src/rtl_model.cpp), so that another
// simulator can replay the same stimulus and check the same responses at the same cycles
// (sim/src/icarus.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace zasgen::sim {

struct BusOp {
  enum class Kind : uint8_t {
    Write = 1,      // AXI4-Lite write: addr, data; status = response
    Read = 2,       // AXI4-Lite read: addr; data = value read; status = response
    StreamIn = 3,   // load stream: beats offered; count = beats accepted
    StreamOut = 4,  // store stream: count = beats requested; beats = beats received
    WaitIrq = 5,    // wait for the interrupt: count = the cycle limit; status = 1 if it came
    Step = 6,       // free-running clock cycles: count
  };
  Kind kind = Kind::Step;
  uint32_t addr = 0;
  uint32_t data = 0;
  int status = 0;  // AXI response (0 OKAY, 2 SLVERR, -1 timeout); irq came (1/0)
  uint64_t count = 0;
  std::vector<uint32_t> beats;
  uint64_t start = 0, end = 0;  // the model's cycle counter before and after the operation
};

struct BusTrace {
  uint64_t begin = 0;  // cycle counter when recording started (after the reset sequence)
  std::vector<BusOp> ops;
};

}  // namespace zasgen::sim
