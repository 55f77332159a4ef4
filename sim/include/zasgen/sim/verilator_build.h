// Building a generated design into a loadable simulator with Verilator, cached by content.
#pragma once

#include <string>

#include "zasgen/sim/tool.h"

namespace zasgen::sim {

struct BuildRequest {
  std::string rtl_dir;     // holds filelist.f and the .v files it lists
  std::string top;         // top module
  std::string cache_root;  // builds live in <cache_root>/<hash>/
  bool trace = false;      // FST tracing support (a different build)
  bool coverage = false;   // toggle and branch counts for activity (a different build)
  bool netlist = false;    // a flat gate-level netlist: split the C++, compile it unoptimised
  int jobs = 2;
};

struct BuildResult {
  std::string library;  // the shared object to load
  bool cached = false;  // found in the cache, nothing was compiled
  double seconds = 0;   // time spent building (0 when cached)
  std::string log;      // build log
};

// Builds (or finds) the simulator of a design; throws ToolError naming the log on failure.
BuildResult build_simulator(const BuildRequest& r);

}  // namespace zasgen::sim
