// Reports of `zasgen bench` (and the sweep): each suite's JSON and Markdown section with its
// gnuplot plots, assembled into report.md and report.html under a reports folder.
#pragma once

#include <string>
#include <vector>

#include "zasgen/app/bench.h"
#include "zasgen/arch_params.h"

namespace zasgen::app {

// Writes <reports>/bench_<suite>.json and bench_<suite>.md, and makes the suite's plots
// (<reports>/plots/*.svg, and *.png when gnuplot has pngcairo). Returns the plot files made.
// Plot failures (no gnuplot) are noted in the section, not thrown.
std::vector<std::string> write_suite(const SuiteReport& r, const std::string& reports_dir);

// Assembles <reports>/report.md and report.html from the bench_<suite>.md sections present in
// `reports_dir` (in the order sparsity, vgg16, ppa, tool), with a headline table of our figures
// next to the paper's. Returns the path of report.md.
std::string assemble_report(const std::string& reports_dir, const std::string& config_path,
                            const ArchParams& p);

// Markdown (GitHub-flavoured: tables) as a self-contained HTML page, with cmark-gfm.
std::string markdown_to_html(const std::string& markdown, const std::string& title);

// One gnuplot figure for a report: writes <dir>/<name>.gp and renders <name>.svg, and
// <name>.png when gnuplot has pngcairo. `body` holds the data blocks, settings and the plot
// command (no terminal, no output). Returns "" on success, else why there is no figure.
struct PlotFiles {
  std::string error;  // "" when made
  bool png = false;   // <name>.png was made too
};
PlotFiles render_plot(const std::string& dir, const std::string& name, const std::string& body);

}  // namespace zasgen::app
