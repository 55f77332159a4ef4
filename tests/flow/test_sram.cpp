// SRAM macro model: names, organisation, cross-checks against published points, and its
// liberty view.
#include <catch2/catch.hpp>

#include "flow_test_util.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/sram.h"

using namespace zasgen::flow;

namespace {

// 45 nm -> 55 nm: area by (55/45)^2; energy ~ C V^2, C by 55/45 and V from the reference's
// supply to the spec's: fakeram45's liberty files state nom_voltage 1.1 V (x 1.18 to 1.08 V),
// Horowitz's ISSCC 2014 figures are at 0.9 V (x 1.76; the spec's energy_scale_45_to_55).
double area_45_to_55(double um2) {
  return um2 * (55.0 / 45.0) * (55.0 / 45.0);
}
double energy_45_to_55(double pj, double ref_vdd) {
  const double v = test::spec55().vdd;
  return pj * (55.0 / 45.0) * (v / ref_vdd) * (v / ref_vdd);
}

}  // namespace

TEST_CASE("SRAM geometry names", "[flow][sram]") {
  CHECK(SramGeometry{SramKind::OneRW, 512, 64}.module_name() == "sram_1rw_512x64");
  CHECK(SramGeometry{SramKind::OneROneW, 16, 32}.module_name() == "sram_1r1w_16x32");
  CHECK(sram_macro(test::spec55(), {SramKind::OneROneW, 16, 32}).name == "sram_1r1w_16x32");
}

TEST_CASE("SRAM model ports and organisation", "[flow][sram]") {
  const LibertySpec& s = test::spec55();
  const SramMacro m = sram_macro(s, {SramKind::OneRW, 512, 64});
  CHECK(m.addr_bits == 9);
  CHECK(m.rows * m.mux >= 512);
  CHECK(m.cols == 64 * m.mux);
  CHECK(sram_macro(s, {SramKind::OneRW, 2, 8}).addr_bits == 1);  // max(1, clog2(depth))
  CHECK(sram_macro(s, {SramKind::OneRW, 1000, 8}).addr_bits == 10);
  try {
    sram_macro(s, {SramKind::OneRW, 1, 8});
    FAIL("no error");
  } catch (const FlowError& e) {
    CHECK(e.code() == FlowError::Code::BadArgument);
  }
}

TEST_CASE("SRAM model is monotonic and the 2-port macro is larger", "[flow][sram]") {
  const LibertySpec& s = test::spec55();
  double last_area = 0, last_read = 0, last_access = 0;
  for (int depth : {16, 64, 256, 1024, 4096}) {
    const SramMacro m = sram_macro(s, {SramKind::OneRW, depth, 32});
    INFO(m.name);
    CHECK(m.area_um2 > last_area);
    CHECK(m.read_pj > last_read);
    CHECK(m.access_ns >= last_access);
    CHECK(m.write_pj > 0);
    CHECK(m.leakage_uw > 0);
    last_area = m.area_um2;
    last_read = m.read_pj;
    last_access = m.access_ns;
    CHECK(sram_macro(s, {SramKind::OneROneW, depth, 32}).area_um2 > m.area_um2);
  }
}

// fakeram45 (The OpenROAD Project's 45-nm placeholder macros, themselves CACTI-derived) is an
// independent point for the calibrated model: area and read energy within 25%. The table's own
// scatter between neighbouring rows is about 30% (docs/ESTIMATES.md), so a tighter bound would
// test CACTI's optimiser, not the model.
TEST_CASE("SRAM model vs fakeram45 32x64 (scaled to 55 nm)", "[flow][sram][crosscheck]") {
  const SramMacro m = sram_macro(test::spec55(), {SramKind::OneRW, 32, 64});
  const double ref_area = area_45_to_55(1754.5);
  const double ref_energy = energy_45_to_55(1.5, 1.1);
  INFO("area " << m.area_um2 << " um2 vs " << ref_area << "; read " << m.read_pj << " pJ vs "
               << ref_energy);
  CHECK(ref_energy == Approx(1.77).epsilon(0.01));
  CHECK(m.area_um2 == Approx(ref_area).epsilon(0.25));
  CHECK(m.read_pj == Approx(ref_energy).epsilon(0.25));
  // 0.86 um2/bit at 45 nm -> ~1.28 at 55 nm: a small macro is mostly periphery.
  CHECK(m.area_um2 / 2048 > 1.5 * test::spec55().sram.get("bitcell_area_6t"));
}

// Horowitz's 10 pJ for a 64-bit read of an 8 KB SRAM (ISSCC 2014 keynote, 45 nm, 0.9 V) is a
// cache-style figure from a high-performance process; the calibrated model gives about a
// quarter of it (docs/ESTIMATES.md records the gap). This pins the gap so that a change of
// model that moves it is noticed.
TEST_CASE("SRAM model vs Horowitz 8 KB 64-bit read (scaled to 55 nm)", "[flow][sram][crosscheck]") {
  const SramMacro m = sram_macro(test::spec55(), {SramKind::OneRW, 1024, 64});  // 8 KB
  const double ref = energy_45_to_55(10.0, 0.9);
  INFO("read " << m.read_pj << " pJ vs " << ref << " pJ");
  CHECK(m.read_pj / ref > 0.2);
  CHECK(m.read_pj / ref < 0.3);
  // Larger macros cost more per access, less per bit.
  const SramMacro small = sram_macro(test::spec55(), {SramKind::OneRW, 32, 64});
  CHECK(m.read_pj > 2 * small.read_pj);
}

TEST_CASE("SRAM liberty view", "[flow][sram]") {
  const LibertySpec& s = test::spec55();
  const SramMacro m = sram_macro(s, {SramKind::OneROneW, 16, 32});
  const std::string lib = write_sram_liberty(s, {m});
  CHECK(lib.find("SYNTHETIC ESTIMATE, NOT FOUNDRY DATA") != std::string::npos);
  CHECK(lib.find("library (zasgen55_sram) {") != std::string::npos);
  CHECK(lib.find("cell (sram_1r1w_16x32) {") != std::string::npos);
  CHECK(lib.find("dont_use : true;") != std::string::npos);
  for (const char* pin : {"pin (clk)", "pin (re)", "bus (raddr)", "pin (we)", "bus (waddr)",
                          "bus (wdata)", "bus (rdata)"})
    CHECK(lib.find(pin) != std::string::npos);
  CHECK(lib.find("when : \"re\";") != std::string::npos);
  CHECK(lib.find("timing_type : setup_rising;") != std::string::npos);
  CHECK(lib.find("timing_type : rising_edge;") != std::string::npos);
  const std::string one = write_sram_liberty(s, {sram_macro(s, {SramKind::OneRW, 64, 8})});
  for (const char* pin : {"pin (ce)", "pin (we)", "bus (addr)", "bus (wdata)", "bus (rdata)"})
    CHECK(one.find(pin) != std::string::npos);
  CHECK(one.find("when : \"ce & !we\";") != std::string::npos);
}
