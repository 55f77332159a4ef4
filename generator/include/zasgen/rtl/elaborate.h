// From ArchParams to files: elaborate the accelerator into the IR, legalise and check it, and
// print the RTL with its companions (register header, params.json, regmap.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/rtl/ir.h"
#include "zasgen/rtl/verilog_writer.h"

namespace zasgen::rtl {

// The elaborated, legalised and checked design of `p` (top module <name>_top).
Design elaborate(const ArchParams& p);

// SRAM macro geometries of a design and how many of each the top instantiates.
std::map<std::string, int> macro_inventory(const Design& d);

struct GenerateOptions {
  std::string tool_version;  // printed in headers
};

// Every file `zasgen generate` writes, with paths relative to the output directory:
// rtl/*.v, rtl/filelist.f, zasgen_params.h, params.json, regmap.md.
std::vector<OutputFile> generate_files(const ArchParams& p, const GenerateOptions& o);

}  // namespace zasgen::rtl
