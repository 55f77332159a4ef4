// zasgen command line: see ../shared CLI contract and README.md. Each subcommand fills an
// options struct (commands.h) and calls its run_* function; exit codes are the contract's.
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
  return kUsage;
}
