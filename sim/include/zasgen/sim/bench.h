// The paper-reproduction benchmarks behind `zasgen bench` (issue 6): each suite simulates (or
// reads synthesis results of) one configuration and returns its figures as JSON plus a Markdown
// section; the report assembles the sections with gnuplot plots under out/<name>/reports/.
//
// Every figure in a suite's output comes from a simulation or a synthesis run made by that
// suite. The only numbers typed in are the seed paper's published results (kPaper*), always
// labelled as such, and the published VGG16 sparsity (model/network.h, FACTS.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zasgen/arch_params.h"

namespace zasgen::sim {

// Published by Liu, He, Jiao, "Efficient Zero-Activation-Skipping for On-Chip Low-Energy CNN
// Acceleration", IEEE AICAS 2021 (abstract; FACTS.md section 1).
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

// A run of `zasgen synth CONFIG --json F` made by this invocation (the CLI runs it; the
// synthesis library sits above this one). `json` absent: it did not run or failed, `why_not`
// says why.
struct SynthRun {
  std::optional<nlohmann::json> json;
  std::string why_not;
  std::string command;  // as run, for the report
  double seconds = 0;   // wall time of the whole command
};

// Tool speed per configuration of o.tool_configs: generation time, uncached simulator build
// time, simulation speed; synthesis time from `synth` when it ran for the benchmarked
// configuration in this invocation (else the section says it was not measured).
SuiteReport bench_tool(const ArchParams& p, const BenchOptions& o, const SynthRun* synth = nullptr);

// The PPA section from the synth JSON (keys: ppa_expected_keys()), next to the paper's
// 1.94 TOPS/W. Without a JSON the section says that synthesis did not run, and why, with no
// figures.
SuiteReport bench_ppa(const ArchParams& p, const BenchOptions& o, const SynthRun& synth);

// The keys bench_ppa reads from a synth JSON (dotted paths; "sparse.x" and "dense.x" per
// design), so the synthesis side can check its output against them.
std::vector<std::string> ppa_expected_keys();

// Pairs of MACs and input density (1 - zero fraction): the MAC-weighted harmonic limit
// sum(MACs) / sum(MACs x density) of zero-activation skipping over a network.
double network_speedup_limit(const std::vector<std::pair<double, double>>& macs_density);

// Writes <reports>/bench_<suite>.json and bench_<suite>.md, and makes the suite's plots
// (<reports>/plots/*.svg, and *.png when gnuplot has pngcairo). Returns the plot files made.
// Plot failures (no gnuplot) are noted in the section, not thrown.
std::vector<std::string> write_suite(const SuiteReport& r, const std::string& reports_dir);

// Assembles <reports>/report.md and report.html from the bench_<suite>.md sections present in
// `reports_dir` (in the order sparsity, vgg16, ppa, tool), with a headline table of our figures
// next to the paper's. Returns the path of report.md.
std::string assemble_report(const std::string& reports_dir, const std::string& config_path,
                            const ArchParams& p);

// A Markdown subset (headings, paragraphs, lists, tables, images, code, emphasis) as a
// self-contained HTML page; what assemble_report uses for report.html.
std::string markdown_to_html(const std::string& markdown, const std::string& title);

}  // namespace zasgen::sim
