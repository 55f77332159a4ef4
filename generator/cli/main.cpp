// zasgen command line (see README.md and the CLI contract). Each subcommand fills an options
// struct (commands.h) and calls its run_* function; exit codes are the contract's.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace zasgen::cli;
  CLI::App app{"zasgen: generator of zero-activation-skipping CNN accelerators"};
  app.set_version_flag("--version", ZASGEN_VERSION);
  app.require_subcommand(1);

  CheckOptions check;
  CLI::App* c = app.add_subcommand("check", "validate configuration files (writes nothing)");
  c->add_option("configs", check.configs, "configuration files (YAML)");
  c->add_flag("-q,--quiet", check.quiet, "print nothing on success");
  std::string diag_format = "text";
  c->add_option("--diag-format", diag_format, "diagnostics on stderr as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  c->add_flag("--schema", check.schema, "print the configuration reference table and exit");
  c->add_flag("--codes", check.codes, "print the table of diagnostic codes and exit");

  GenerateOptions gen;
  CLI::App* g =
      app.add_subcommand("generate", "write RTL, file list, C header, params.json, regmap");
  g->add_option("config", gen.config, "configuration file (YAML)")->required();
  g->add_option("-o,--out", gen.out_dir, "output directory (default out/<config stem>/)");

  SimOptions simo;
  CLI::App* s = app.add_subcommand("sim", "simulate one layer on the design and its dense twin");
  s->add_option("config", simo.config, "configuration file (YAML)")->required();
  s->add_option("--layer", simo.layer,
                "c=..,k=..,h=..,w=..,r=..,s=..,stride=..,pad=..[,pool=2][,relu=0] or vgg16:convX_Y")
      ->required();
  s->add_option("--sparsity", simo.sparsity,
                "fraction of zero activations in the synthetic input (default: the named "
                "layer's published figure, else 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  s->add_option("--pattern", simo.pattern, "synthetic zeros: uniform or clustered")
      ->check(CLI::IsMember({"uniform", "clustered"}));
  s->add_option("--seed", simo.seed, "seed of the synthetic input, weights and bias");
  s->add_option("--json", simo.json, "write the results as one JSON object");
  s->add_option("--ifmap", simo.ifmap, "input activations, .npy C x H x W");
  s->add_option("--weights", simo.weights, "weights, .npy K x C x R x S");
  s->add_option("--bias", simo.bias, "bias, .npy of K values");
  s->add_option("--trace", simo.trace, "write an FST waveform of the sparse design");
  s->add_option("--trace-window", simo.trace_window, "FROM:TO: trace only these cycles");
  s->add_option("-o,--out", simo.out_dir, "output directory (default out/<config stem>/)");
  s->add_flag("--no-dense", simo.no_dense, "skip the dense twin (no speedup)");
  s->add_flag("--icarus", simo.icarus,
              "also replay the sparse design's run in Icarus Verilog and check it matches "
              "Verilator cycle for cycle (slow: keep the layer small)");
  s->add_flag("-q,--quiet", simo.quiet, "print nothing but errors");

  SynthOptions syn;
  CLI::App* y =
      app.add_subcommand("synth", "synthesize the design and its dense twin: area, timing, power");
  y->add_option("config", syn.config, "configuration file (YAML)")->required();
  y->add_option("--json", syn.json, "write the results as one JSON object");
  y->add_option("-o,--out", syn.out_dir, "output directory (default out/<config stem>/)");
  y->add_option("--layer", syn.layer, "layer whose simulated activity drives the power estimate");
  y->add_option("--sparsity", syn.sparsity, "input sparsity of that layer")
      ->check(CLI::Range(0.0, 1.0));
  y->add_flag("--no-dense", syn.no_dense, "skip the dense twin");
  y->add_flag("--osu018", syn.osu018, "also cross-check against Debian's osu018 library");
  y->add_flag("--no-power", syn.no_power, "area only: no activity simulation, timing or power");
  y->add_flag("--gatesim", syn.gatesim,
              "simulate the mapped netlist on the layer and compare with the golden model");

  BenchOptions bench;
  CLI::App* b = app.add_subcommand("bench", "paper-reproduction benchmarks");
  b->add_option("suite", bench.suite, "sparsity, vgg16, ppa, tool or all")
      ->required()
      ->check(CLI::IsMember({"sparsity", "vgg16", "ppa", "tool", "all"}));
  b->add_option("config", bench.config, "configuration (default configs/default.yaml)");
  b->add_option("--json", bench.json, "write the results as one JSON object");
  b->add_option("-o,--out", bench.out_dir,
                "output directory (default out/<config stem>/; reports in its reports/)");
  b->add_option("--layer", bench.layer,
                "layer of the sparsity suite (default c=64,k=64,h=56,w=56,pad=1)");
  b->add_option("--seed", bench.seed, "seed of the synthetic inputs, weights and bias");
  b->add_flag("--quick", bench.quick, "scaled-down variant that CI can afford");

  RunOptions runo;
  CLI::App* r = app.add_subcommand("run", "the main job: generate, simulate, synthesize, report");
  r->add_option("config", runo.config, "configuration file (YAML)")->required();
  r->add_option("--layer", runo.layer, "layer to simulate (default: a representative 3x3 layer)");
  r->add_option("--sparsity", runo.sparsity, "its input sparsity")->check(CLI::Range(0.0, 1.0));
  r->add_option("-o,--out", runo.out_dir, "output directory (default out/<config stem>/)");
  r->add_flag("--no-synth", runo.no_synth, "skip synthesis");

  try {
    app.parse(argc, argv);
    if (c->parsed() && check.configs.empty() && !check.schema && !check.codes)
      throw CLI::RequiredError("configs");
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }

  if (c->parsed()) {
    check.json_diagnostics = diag_format == "json";
    return run_check(check);
  }
  if (g->parsed()) return run_generate(gen);
  if (s->parsed()) return run_sim(simo);
  if (y->parsed()) return run_synth(syn);
  if (b->parsed()) return run_bench(bench);
  if (r->parsed()) return run_run(runo);
  return kUsage;
}
