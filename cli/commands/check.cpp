// zasgen check CONFIG...: validate only; diagnostics on stderr, a summary of the derived design
// on stdout. Writes no file.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "zasgen/config.h"
#include "zasgen/diag.h"
#include "zasgen/error.h"
#include "zasgen/schema.h"

namespace zasgen::cli {

namespace {

std::string kib(int64_t bits) {
  return fmt::format("{:.3f}", double(bits) / 8192.0);
}

void print_summary(const ArchParams& p) {
  const char* lane_s = p.lanes == 1 ? "" : "s";
  std::string s = fmt::format(
      "{}: ok\n  design {}: {}, {} PEs x {} lane{}, {}x{}-bit data, {}-bit accumulator, "
      "kernel up to {}x{}, strides [{}], pool {}, {} MHz\n",
      p.source, p.name,
      p.sparse() ? fmt::format("sparse ({}, index {} bits)", to_string(p.format), p.index_bits)
                 : std::string("dense"),
      p.pes, p.lanes, lane_s, p.act_bits, p.weight_bits, p.acc_bits, p.max_r, p.max_s,
      fmt::join(p.strides, ", "), p.pool ? "on" : "off", p.target_mhz);
  s += fmt::format("  entry {} bits", p.entry_bits);
  if (p.table_bits > 0) s += fmt::format(", table word {} bits", p.table_bits);
  s += fmt::format(", shift {} bits; smallest row band {} rows x {} columns\n", p.shift_bits,
                   band_rows(p), p.max_w);
  s += fmt::format("  {:<33} {:>6} {:>7} {:>6} {:>5} {:>10}\n", "memory", "banks", "depth", "width",
                   "addr", "KiB");
  int64_t total = 0;
  auto row = [&](const std::string& name, const MemGeom& g, int copies, bool sram = true) {
    if (g.depth == 0) return;
    const int64_t bits = g.bits() * copies;
    if (sram) total += bits;
    s += fmt::format("  {:<33} {:>6} {:>7} {:>6} {:>5} {:>10}\n", name, g.banks, g.depth, g.width,
                     g.addr_bits(), kib(bits));
  };
  row("act_in", p.act_in, 1);
  row("act_in table", p.act_in_table, 1);
  row("act_out", p.act_out, 1);
  row("act_out table", p.act_out_table, 1);
  row(fmt::format("weights (x{} lane{})", p.lanes, lane_s), p.weights, p.lanes);
  const bool psum_regs = p.psum_storage == PsumStorage::Registers;
  row(fmt::format("psum{} (x{} lane{} x 2 sets)", psum_regs ? " registers" : "", p.lanes, lane_s),
      p.psum, 2 * p.lanes, !psum_regs);
  row("bias", p.bias, 1);
  s += fmt::format("  total SRAM {} bits ({} KiB){}\n", total, kib(total),
                   psum_regs ? ", partial sums in registers" : "");
  std::fputs(s.c_str(), stdout);
}

struct CheckOptions {
  std::vector<std::string> configs;
  bool quiet = false;                // no summary on success
  std::string diag_format = "text";  // diagnostics on stderr: text, or one JSON array
  bool schema = false;               // print the configuration reference table (Markdown) and stop
  bool codes = false;                // print the table of diagnostic codes (Markdown) and stop
};

int run_check(const CheckOptions& o) {
  if (o.schema) {
    std::fputs(schema_markdown().c_str(), stdout);
    return 0;
  }
  if (o.codes) {
    std::fputs(diag_codes_markdown().c_str(), stdout);
    return 0;
  }
  if (o.configs.empty())
    throw UsageError("zasgen check", "no configuration file given", "CONFIG.yaml...");
  const bool json = o.diag_format == "json";
  int rc = 0;
  Diagnostics all;  // for --diag-format json: one array for every file
  for (const auto& file : o.configs) {
    const ValidateResult r = load_config(file);
    if (!r.ok()) {
      rc = int(Exit::InvalidInput);
      if (json)
        all.append(r.diags);
      else
        std::fputs(render_text(r.diags).c_str(), stderr);
      continue;
    }
    if (!o.quiet) print_summary(*r.params);
  }
  if (json && rc != 0) std::fputs(render_json(all).c_str(), stderr);
  return rc;
}

}  // namespace

Command add_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* c = app.add_subcommand("check", "validate configuration files (writes nothing)");
  c->add_option("configs", o->configs, "configuration files (YAML)");
  c->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  c->add_option("--diag-format", o->diag_format, "diagnostics on stderr as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  c->add_flag("--schema", o->schema, "print the configuration reference table and exit");
  c->add_flag("--codes", o->codes, "print the table of diagnostic codes and exit");
  return {c, [o] { return run_check(*o); }};
}

}  // namespace zasgen::cli
