// Building a generated design into a loadable simulator with Verilator, cached by content.
#pragma once

#include <functional>
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
  int niceness = 0;  // > 0: the compilers yield the cores (to a synthesis begun beside them)
  // Profile-guided optimisation (none of the above): the simulator is built instrumented,
  // `train` runs a short workload on that library, and the simulator is built again with the
  // profile: 6-18% faster simulation for a second compile (verilator_build.cpp). A trained
  // simulator of the RTL is used whenever one is cached; one is built only when
  // `build_trained` (long workloads: the benchmarks), else the plain one. The workload must be
  // deterministic: it is part of the trained build's cache key, by name.
  std::function<void(const std::string& library)> train;
  std::string train_name;
  bool build_trained = false;
};

struct BuildResult {
  std::string library;   // the shared object to load
  bool cached = false;   // found in the cache, nothing was compiled
  double seconds = 0;    // time spent building (0 when cached)
  std::string log;       // build log
  bool trained = false;  // a profile-guided build
};

// Builds (or finds) the simulator of a design; throws ToolError naming the log on failure.
BuildResult build_simulator(const BuildRequest& r);

}  // namespace zasgen::sim
