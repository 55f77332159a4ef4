// zasgen check CONFIG...: validate only; diagnostics on stderr, a summary of the derived design
// on stdout. Writes no file.
#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "commands.h"
#include "zasgen/config.h"
#include "zasgen/diag.h"
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
  s += fmt::format("  {:<24} {:>6} {:>7} {:>6} {:>5} {:>10}\n", "memory", "banks", "depth", "width",
                   "addr", "KiB");
  int64_t total = 0;
  auto row = [&](const std::string& name, const MemGeom& g, int copies) {
    if (g.depth == 0) return;
    const int64_t bits = g.bits() * copies;
    total += bits;
    s += fmt::format("  {:<24} {:>6} {:>7} {:>6} {:>5} {:>10}\n", name, g.banks, g.depth, g.width,
                     g.addr_bits(), kib(bits));
  };
  row("act_in", p.act_in, 1);
  row("act_in table", p.act_in_table, 1);
  row("act_out", p.act_out, 1);
  row("act_out table", p.act_out_table, 1);
  row(fmt::format("weights (x{} lane{})", p.lanes, lane_s), p.weights, p.lanes);
  row(fmt::format("psum (x{} lane{} x 2 sets)", p.lanes, lane_s), p.psum, 2 * p.lanes);
  row("bias", p.bias, 1);
  s += fmt::format("  total SRAM {} bits ({} KiB)\n", total, kib(total));
  std::fputs(s.c_str(), stdout);
}

}  // namespace

int run_check(const CheckOptions& o) {
  if (o.schema) {
    std::fputs(schema_markdown().c_str(), stdout);
    return kOk;
  }
  if (o.codes) {
    std::fputs(diag_codes_markdown().c_str(), stdout);
    return kOk;
  }
  int rc = kOk;
  Diagnostics all;  // for --diag-format json: one array for every file
  for (const auto& file : o.configs) {
    ValidateResult r;
    try {
      r = load_config(file);
    } catch (const std::exception& e) {
      // A bug, not a bad config: say so, and do not blame the user's file.
      Diagnostics internal;
      internal.error(DiagCode::Internal, {file, 0, 0}, "", e.what());
      std::fputs(render_text(internal).c_str(), stderr);
      return kToolFailure;
    }
    if (!r.ok()) {
      rc = kInvalidInput;
      if (o.json_diagnostics)
        all.append(r.diags);
      else
        std::fputs(render_text(r.diags).c_str(), stderr);
      continue;
    }
    if (!o.quiet) print_summary(*r.params);
  }
  if (o.json_diagnostics && rc != kOk) std::fputs(render_json(all).c_str(), stderr);
  return rc;
}

}  // namespace zasgen::cli
