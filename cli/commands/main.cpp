// zasgen command line (README.md and the CLI contract). Each subcommand lives in its own file
// and registers its options (common.h); errors of every kind are zasgen::Error and are rendered
// here, once, with the exit status they carry.
#include <cstdio>
#include <exception>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "common.h"
#include "zasgen/config.h"
#include "zasgen/diag.h"
#include "zasgen/error.h"
#include "zasgen/process.h"
#include "zasgen/text.h"

namespace {

int report(const zasgen::Error& e) {
  if (const auto* ce = dynamic_cast<const zasgen::ConfigError*>(&e)) {
    std::fputs(zasgen::render_text(ce->diagnostics()).c_str(), stderr);
  } else {
    // Messages quote user input (a layer spec, a path): never echo a control byte raw.
    std::fputs(fmt::format("zasgen: error: {}\n", zasgen::printable(e.what())).c_str(), stderr);
    if (!e.log_path().empty())
      std::fputs(fmt::format("zasgen: see {}\n", zasgen::printable(e.log_path())).c_str(), stderr);
  }
  return int(e.exit_status());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zasgen::cli;
  // An interrupted zasgen ends the tools it runs (Verilator's compiler, Yosys, ...) first.
  zasgen::install_child_cleanup();
  set_self_executable(argc > 0 ? argv[0] : "");
  CLI::App app{"zasgen: generator of zero-activation-skipping CNN accelerators"};
  app.set_version_flag("--version", ZASGEN_VERSION);
  app.require_subcommand(1);
  const std::vector<Command> commands = {add_check(app), add_generate(app), add_sim(app),
                                         add_synth(app), add_bench(app),    add_run(app),
                                         add_sweep(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : int(zasgen::Exit::Usage);
  }
  try {
    for (const Command& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const zasgen::Error& e) {
    return report(e);
  } catch (const std::exception& e) {
    std::fputs(fmt::format("zasgen: internal error: {}\n", zasgen::printable(e.what())).c_str(),
               stderr);
    return int(zasgen::Exit::Internal);
  }
  return int(zasgen::Exit::Usage);
}
