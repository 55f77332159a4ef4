// The Verilog writer: prints a legalised, checked design. It only prints (CIRCT ExportVerilog
// style): no decisions, no renaming, no clean-up happen here.
#pragma once

#include <string>
#include <vector>

#include "zasgen/rtl/ir.h"

namespace zasgen::rtl {

struct WriterOptions {
  std::string tool_version;  // printed in each file header
  int indent = 2;            // spaces per nesting level
  int line_width = 110;      // expressions and comments longer than this are broken
};

struct OutputFile {
  std::string path;  // relative to the output directory
  std::string text;
};

std::string print_module(const Module& m, const Design& d, const WriterOptions& o);
// One file per module (rtl/<module>.v) and rtl/filelist.f listing them, leaves first.
std::vector<OutputFile> print_design(const Design& d, const WriterOptions& o);

}  // namespace zasgen::rtl
