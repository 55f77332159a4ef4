// The scatter and the partial-sum banks together against model::conv_accumulate
// (harness/scatter_psum_harness.cpp around harness/scatter_psum_tb.v).
#include <catch2/catch.hpp>

#include "module_test.h"
#include "zasgen/rtl/dims.h"

using namespace zasgen::rtl::test;

namespace {

// Verilates the test wrapper around the design's scatter and psum, its widths from Dims.
HarnessSpec scatter_psum_spec(const PreparedConfig& pc, const std::string&) {
  const zasgen::ArchParams& p = pc.params;
  const zasgen::rtl::Dims d(p);
  HarnessSpec s;
  s.top = "zt_scatter_psum";
  s.harness = "scatter_psum_harness.cpp";
  s.verilog = pc.design.verilog;
  s.verilog.push_back(std::string(ZASGEN_TEST_DIR) + "/rtl/harness/scatter_psum_tb.v");
  const std::pair<const char*, int> params[] = {
      {"T", d.taps},   {"PA", d.p_addr}, {"TI", d.tap_idx},
      {"IY", d.idx_y}, {"IX", d.idx_x},  {"KR", d.kr},
      {"KS", d.ks},    {"PW", d.pad},    {"CH", d.cnt_h},
      {"CW", d.cnt_w}, {"PT", d.pitch},  {"PRODW", d.pes * d.taps * (d.act + d.wgt)},
      {"NP", d.d_pos}, {"SW", d.p_bank}, {"DW", d.d_pos * d.pes * d.acc}};
  for (const auto& [name, value] : params)
    s.vflags.push_back("-G" + std::string(name) + "=" + std::to_string(value));
  s.vflags.push_back("+define+ZT_SCATTER=" + p.name + "_scatter");
  s.vflags.push_back("+define+ZT_PSUM=" + p.name + "_psum");
  return s;
}

}  // namespace

TEST_CASE("scatter + psum: drained partial sums match conv_accumulate",
          "[rtl][module][scatter][psum][slow]") {
  ModuleTest t;
  t.role = "scatter_psum";
  t.harness = "scatter_psum_harness.cpp";
  t.seed_offset = 400;
  t.spec = scatter_psum_spec;
  run_module_test(t, {"tiny", "odd_bitmap", "odd_coord", "odd_dense", "odd_rle"});
}
