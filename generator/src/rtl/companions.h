// The files `zasgen generate` writes beside the RTL for software and people: the C header, the
// parameters as JSON and the register map as Markdown (companions.cpp).
#pragma once

#include <string>

#include "zasgen/arch_params.h"
#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

std::string params_header(const ArchParams& p, const Design& d, const std::string& version);
std::string params_json(const ArchParams& p, const Design& d, const std::string& version);
std::string regmap_markdown(const ArchParams& p, const std::string& version);
// rtl/registers.vlt: a Verilator configuration marking every register (a net a clocked process
// assigns) `public_flat_rd`, so the simulation harness can count its toggles for power.
std::string registers_vlt(const Design& d, const std::string& version);

}  // namespace zasgen::rtl
