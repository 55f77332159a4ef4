// What the subcommands share: where outputs go by default and how results are printed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "zasgen/fs_util.h"

namespace zasgen::cli {

// A subcommand: its CLI11 parser and what runs when it was chosen. run() returns the exit
// status of a completed command (0, or 3 for a mismatch it reports itself); every failure is
// thrown as zasgen::Error and rendered once in main().
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// The absolute path of the running zasgen (for the processes a sweep starts), found at start-up
// from argv[0] (a path, or a name looked up on PATH); empty when it cannot be found.
void set_self_executable(const char* argv0);
const std::string& self_executable();

Command add_check(CLI::App& app);
Command add_generate(CLI::App& app);
Command add_sim(CLI::App& app);
Command add_synth(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_run(CLI::App& app);
Command add_sweep(CLI::App& app);

// The folder name of a configuration's outputs: the file stem when it is a plain name
// ([A-Za-z0-9_][A-Za-z0-9_.+-]*, at most 100 characters: "tiny", "my-design.v2"), else the stem
// made into a design name (sanitize_name: "...yaml" -> "cfg___"). Never empty, never "." or
// "..", never holds a '/': the folder cannot leave out/.
std::string output_name(const std::string& config_path);

// out/<output_name>/, the contract's default output directory (out/<config file stem>/).
std::string default_out_dir(const std::string& config_path);

// The output folder of a command: checked (UsageError naming `option`, exit 2, before any
// work), created and held for the command's life (one zasgen per folder; others wait).
std::unique_ptr<OutputLock> claim_output_dir(const std::string& option, const std::string& dir);
// How errors name the output folder: "-o" when the user gave one, else "output folder".
std::string out_option(const std::string& out_dir_given);

// Strict numbers for CLI11 options, checked before any work: the whole text is a number in
// [lo, hi]; no sign where none is meant, no nan or inf, no trailing characters, no empty text.
CLI::Validator real_in(double lo, double hi);       // decimal, e.g. 0.9, .5, 1e-1
CLI::Validator count_in(uint64_t lo, uint64_t hi);  // unsigned decimal integer
// "FROM:TO", two unsigned decimal integers with FROM <= TO.
CLI::Validator cycle_window();
// A path option given with an empty value ("-o ''") is an error, not the default.
CLI::Validator nonempty_path();

// Where simulator builds are cached (content-addressed, shared by all configurations).
std::string sim_cache_dir();

// 1234567 -> "1,234,567".
std::string grouped(uint64_t v);

}  // namespace zasgen::cli
