// The control/status register map: the single source of truth.
//
// make_regmap() describes every register and field once. From it come the RTL register block
// (rtl/regs.cpp), the C header zasgen_params.h, params.json, regmap.md, and the simulator's host
// driver, so an offset or a field position is never written twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zasgen/arch_params.h"

namespace zasgen::rtl {

enum class Access {
  RW,   // read/write, reset to `reset`; drives hardware
  RO,   // read-only, value from hardware (or a constant when `constant` is set)
  W1P,  // write 1 to pulse (one cycle); reads 0
  W1C,  // sticky bit set by hardware, cleared by writing 1
};

struct Field {
  std::string name;
  int lsb = 0;
  int width = 1;
  Access access = Access::RW;
  uint32_t reset = 0;
  bool constant = false;  // RO field with a fixed value (`reset`)
  std::string doc;
  uint32_t mask() const { return (width >= 32 ? 0xffffffffu : ((1u << width) - 1)) << lsb; }
};

struct Register {
  std::string name;
  uint32_t offset = 0;
  std::string doc;
  std::vector<Field> fields;
  bool strobe = false;  // the block also pulses `w_<name>` when the host writes it
};

struct RegMap {
  int addr_bits = 12;  // AXI4-Lite byte address width
  std::vector<Register> regs;
  const Register& reg(const std::string& name) const;  // throws std::out_of_range
  uint32_t offset(const std::string& name) const { return reg(name).offset; }
  const Field& field(const std::string& reg_name, const std::string& field_name) const;
};

// Memory classes of the DMA port's MEM_SEL.CLASS field (ARCH 4).
enum class MemClass : uint32_t { Entries = 0, Table = 1, Weights = 2, Bias = 3 };

RegMap make_regmap(const ArchParams& p);

// The SRAM instance (its path below the top, '.' between instance names) that the load/store
// port writes and reads with MEM_SEL = {cls, buf, index}: what a simulator loads directly when
// it skips the port. Empty when the selection reaches no memory of the design.
std::string memory_instance(const ArchParams& p, MemClass cls, int buf, int index);

// Identification value of the ID register ("ZASG").
constexpr uint32_t kIdValue = 0x5A415347u;

}  // namespace zasgen::rtl
