// Helpers shared by the subcommands.
#pragma once

#include <optional>
#include <string>

#include "zasgen/arch_params.h"

namespace zasgen::cli {

// Loads and validates a configuration; on failure prints its diagnostics on stderr.
std::optional<ArchParams> load_params(const std::string& path);

// out/<config file stem>/, the contract's default output directory.
std::string default_out_dir(const std::string& config_path);

// Where simulator builds are cached (content-addressed, shared by all configurations).
std::string sim_cache_dir();

// Prints "error: <what>" on stderr, with a log path when there is one.
void report_error(const std::string& what, const std::string& log_path = "");

}  // namespace zasgen::cli
