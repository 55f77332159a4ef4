// From ArchParams to files: elaborate the accelerator into the IR, legalise and check it, and
// print the RTL with its companions (register header, params.json, regmap.md).
#pragma once

#include <string>
#include <vector>

#include "zasgen/arch_params.h"
#include "zasgen/rtl/ir.h"
#include "zasgen/rtl/verilog_writer.h"

namespace zasgen::rtl {

// The elaborated, legalised and checked design of `p` (top module <name>_top).
Design elaborate(const ArchParams& p);

struct GenerateOptions {
  std::string tool_version = ZASGEN_VERSION;  // printed in headers
};

// Every file `zasgen generate` writes, with paths relative to the output directory:
// rtl/*.v, rtl/filelist.f, rtl/macros.json (macros.h), rtl/registers.vlt (the registers, for
// the Verilator harness's activity counts), zasgen_params.h, params.json, regmap.md.
std::vector<OutputFile> generate_files(const ArchParams& p, const GenerateOptions& o);

// Writes those files into `dir` atomically (fs_util.h: replacing only the entries they make).
struct WrittenDesign {
  std::string rtl_dir;  // <dir>/rtl
  int modules = 0;      // Verilog modules written
};
WrittenDesign write_design(const ArchParams& p, const std::string& dir,
                           const GenerateOptions& o = {});

}  // namespace zasgen::rtl
