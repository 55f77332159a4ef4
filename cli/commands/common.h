// What the subcommands share: where outputs go by default and how results are printed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace zasgen::cli {

// A subcommand: its CLI11 parser and what runs when it was chosen. run() returns the exit
// status of a completed command (0, or 3 for a mismatch it reports itself); every failure is
// thrown as zasgen::Error and rendered once in main().
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_check(CLI::App& app);
Command add_generate(CLI::App& app);
Command add_sim(CLI::App& app);
Command add_synth(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_run(CLI::App& app);
Command add_sweep(CLI::App& app);

// out/<config file stem>/, the contract's default output directory.
std::string default_out_dir(const std::string& config_path);

// Where simulator builds are cached (content-addressed, shared by all configurations).
std::string sim_cache_dir();

// 1234567 -> "1,234,567".
std::string grouped(uint64_t v);

}  // namespace zasgen::cli
