// The paper-reproduction benchmarks behind `zasgen bench`: each suite simulates or synthesizes
// one configuration and returns its figures as JSON plus a Markdown section; the report
// assembles the sections with gnuplot plots under out/<name>/reports/ (report.h).
//
// Every figure in a suite's output comes from a simulation or a synthesis run made by that
// suite. The only numbers typed in are the seed paper's published results (kPaper*), always
// labelled as such, and the published VGG16 sparsity (model/network.h: Han et al., NIPS 2015, Table
// 5).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/arch_params.h"

namespace zasgen::app {

// Published by Liu, He, Jiao, "Efficient Zero-Activation-Skipping for On-Chip Low-Energy CNN
// Acceleration", IEEE AICAS 2021 (abstract).
constexpr double kPaperSpeedupAt90 = 7.29;   // one conv layer, 90% input sparsity
constexpr double kPaperVgg16Speedup = 2.59;  // VGG16 on ImageNet2012
constexpr double kPaperTopsPerW = 1.94;      // effective, UMC 55 nm, 100 MHz, 1.08 V
constexpr const char* kPaperCitation =
    "Liu, He, Jiao, \"Efficient Zero-Activation-Skipping for On-Chip Low-Energy CNN "
    "Acceleration\", IEEE AICAS 2021";

struct BenchOptions {
  std::string config_path;  // as given on the command line (named in the report)
  std::string out_dir;      // out/<config stem>/: designs under it, reports in <out_dir>/reports
  std::string cache_root;   // simulator builds (content-addressed)
  bool quick = false;       // scaled-down variants that CI can afford
  uint64_t seed = 1;        // synthetic inputs, weights and bias
  int jobs = 0;             // simulations in parallel (0: the number of cores); figures do not
                            // depend on it
  // sparsity: the layer; empty = c=64,k=64,h=56,w=56,pad=1 (quick: a small layer), clamped to
  // what the configuration accepts.
  std::string sparsity_layer;
  // tool: the configurations to time, (path, params); empty = just the benchmarked one.
  std::vector<std::pair<std::string, ArchParams>> tool_configs;
  std::function<void(const std::string&)> log;  // progress lines (stderr in the CLI)
};

// One suite's result. `json` is self-describing (suite, config, design, quick, figures);
// `markdown` is a report section whose images are relative to the reports directory.
struct SuiteReport {
  std::string suite;  // sparsity, vgg16, tool, ppa
  nlohmann::ordered_json json;
  std::string markdown;
  int64_t mismatches = 0;  // simulations that differed from the golden model
  bool complete = true;    // false: a part did not run (the section says which and why)
  double seconds = 0;      // wall time of the suite
};

// Speedup over the dense twin vs input sparsity 0, 10, ..., 90, 95% (quick: 0, 50, 90%),
// uniform and clustered zeros; each point simulates both designs; analytic model alongside.
SuiteReport bench_sparsity(const ArchParams& p, const BenchOptions& o);

// The 13 VGG16 conv layers (quick: channels / 4, maps / 8) at the published per-layer
// sparsity, then at a sparser profile whose MAC-weighted limit is the paper's 2.59x.
SuiteReport bench_vgg16(const ArchParams& p, const BenchOptions& o);

// Tool speed per configuration of o.tool_configs: generation time, uncached simulator build
// time, simulation speed; synthesis time from the ppa suite, and the VGG16 suite's time, when
// they ran for the benchmarked configuration in this invocation (else the section says they
// were not measured).
// VGG16's energy per image: every conv layer simulated with the published sparsity and powered
// under its own activity (sparse design only; the netlist is synthesized once). Layers that do
// not fit are listed; a tool failure makes the suite incomplete.
SuiteReport bench_energy(const ArchParams& p, const BenchOptions& o);

SuiteReport bench_tool(const ArchParams& p, const BenchOptions& o, const SuiteReport* ppa = nullptr,
                       const SuiteReport* vgg16 = nullptr);

// Synthesis of the design and its dense twin with simulated activity (ppa.h), in this process,
// next to the paper's 1.94 TOPS/W. When a tool fails the section says so, and why, with no
// figures (SuiteReport::complete is false).
SuiteReport bench_ppa(const ArchParams& p, const BenchOptions& o);

// Pairs of MACs and input density (1 - zero fraction): the MAC-weighted harmonic limit
// sum(MACs) / sum(MACs x density) of zero-activation skipping over a network.
double network_speedup_limit(const std::vector<std::pair<double, double>>& macs_density);

}  // namespace zasgen::app
