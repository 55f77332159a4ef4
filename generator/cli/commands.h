// The subcommands of `zasgen`. Each returns the process exit status (CLI contract):
// 0 success, 1 invalid input, 2 command-line misuse, 3 simulation mismatch, 4+ tool failures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zasgen::cli {

enum Exit : int { kOk = 0, kInvalidInput = 1, kUsage = 2, kMismatch = 3, kToolFailure = 4 };

struct CheckOptions {
  std::vector<std::string> configs;
  bool quiet = false;             // no summary on success
  bool json_diagnostics = false;  // diagnostics as one JSON array on stderr instead of text
  bool schema = false;            // print the configuration reference table (Markdown) and stop
  bool codes = false;             // print the table of diagnostic codes (Markdown) and stop
};

struct GenerateOptions {
  std::string config;
  std::string out_dir;  // empty: out/<config stem>/
};

struct SimOptions {
  std::string config;
  std::string layer;     // SPEC or network:layer
  double sparsity = -1;  // <0: the layer's own (network) or 0.5
  std::string pattern = "uniform";
  uint64_t seed = 1;
  std::string json;
  std::string ifmap, weights, bias;
  std::string trace;         // FST file
  std::string trace_window;  // "FROM:TO" cycles
  std::string out_dir;
  bool no_dense = false;
  bool icarus = false;
  bool quiet = false;
};

struct SynthOptions {
  std::string config;
  std::string json;
  std::string out_dir;
  std::string layer;  // layer whose simulated activity drives power
  double sparsity = 0.9;
  bool no_dense = false;
  bool osu018 = false;
  bool no_power = false;  // area only: no activity simulation, timing or power
  bool gatesim = false;   // simulate the mapped netlist on the layer
};

struct BenchOptions {
  std::string suite;    // sparsity, vgg16, ppa, tool or all
  std::string config;   // empty: configs/default.yaml
  std::string json;     // also write the suite's JSON here (all: {"suites": {...}})
  std::string out_dir;  // empty: out/<config stem>/; reports in <out_dir>/reports/
  std::string layer;    // sparsity suite layer SPEC (empty: c=64,k=64,h=56,w=56,pad=1)
  uint64_t seed = 1;
  bool quick = false;
};

struct RunOptions {
  std::string config;
  std::string layer;  // empty: the representative layer of the configuration
  double sparsity = 0.9;
  std::string out_dir;
  bool no_synth = false;
};

int run_check(const CheckOptions& o);
int run_run(const RunOptions& o);
int run_generate(const GenerateOptions& o);
int run_sim(const SimOptions& o);
int run_synth(const SynthOptions& o);
int run_bench(const BenchOptions& o);

}  // namespace zasgen::cli
