// The energy band: each term against its formula worked by hand, the corners in order, and the
// terms adding up to the total.
#include <cmath>

#include <catch2/catch.hpp>

#include "zasgen/app/energy.h"

using namespace zasgen;

namespace {

flow::SynthResult synth_result() {
  flow::SynthResult s;
  s.logic_area_um2 = 250000;  // 500 um square
  s.macro_area_um2 = 750000;
  s.total_area_um2 = 1000000;  // 1 mm2
  s.flop_count = 9990;
  s.macro_count = 10;
  s.power.total = {30.0, 10.0, 0.5};  // mW
  s.power.macro = {20.0, 0.0, 0.1};   // of which the macros
  s.power.combinational = {4.0, 6.0, 0.2};
  s.power.sequential = {6.0, 4.0, 0.2};
  return s;
}

// The inputs every case shares: 1000 cycles in 10 us at 1 V, 0.2 fF/um wires.
app::EnergyInputs inputs(const flow::SynthResult& s) {
  app::EnergyInputs in;
  in.synth = &s;
  in.clock_mhz = 100;
  in.cycles = 1000;
  in.layer_us = 10;
  in.vdd = 1.0;
  in.wire_cap_ff_um = 0.2;
  in.flop_clock_pin_ff = 1.0;
  in.macro_clock_pin_ff = 5.0;
  return in;
}

}  // namespace

TEST_CASE("energy band: terms by hand", "[ppa][energy]") {
  const flow::SynthResult s = synth_result();
  app::EnergyInputs in = inputs(s);
  app::EnergyInputs::Instance i;
  i.macro.name = "sram_1r1w_256x120";
  i.macro.width = 120;
  i.macro.addr_bits = 8;
  i.macro.area_um2 = 90000;  // 300 um square
  i.reads = 600;
  i.writes = 400;
  in.instances.push_back(i);
  const app::EnergyBand b = app::energy_band(in);

  auto term = [&](const std::string& n) {
    for (const app::EnergyTerm& t : b.terms)
      if (t.name == n) return t.uj;
    FAIL("no term " << n);
    return app::Range{};
  };
  // OpenSTA: 40.5 mW over 10 us = 0.405 uJ; the macros 20.1 mW of it.
  CHECK(term("sta_logic").central == Approx(0.204));
  CHECK(term("sta_sram_leakage").central == Approx(0.001));
  CHECK(term("sta_sram_access").central == Approx(0.2));
  CHECK(term("sta_sram_access").low == Approx(0.16));
  CHECK(term("sta_sram_access").high == Approx(0.26));
  // Bus: (300 + 500) / 2 = 400 um; 128 bits x 0.5 toggles x 0.5 x 0.2 fF/um x 400 um x 1 V^2
  // = 2.56 pJ per access, 1000 accesses.
  CHECK(b.bus_length_um == Approx(400));
  CHECK(term("bus").central == Approx(2.56e-3));
  CHECK(term("bus").low == Approx(1.28e-3));
  // Clock: sqrt(10000 sinks x 1e6 um2) = 100 mm of wire x 0.2 fF/um = 20 pF, pins 9990 +
  // 50 fF, buffers 1/3 on top: (20000 + 10040) x 4/3 fF x 1 V^2 per cycle, 1000 cycles.
  CHECK(b.clock_wire_mm == Approx(100));
  CHECK(term("clock_tree").central == Approx(30040.0 * 4.0 / 3.0 * 1e-9 * 1000));
  // Glitch: 25% of the combinational dynamic energy, 10 mW x 10 us.
  CHECK(term("glitch").central == Approx(0.025));
  CHECK(term("glitch").high == Approx(0.06));

  double lo = 0, mid = 0, hi = 0;
  for (const app::EnergyTerm& t : b.terms) {
    CHECK(t.uj.low <= t.uj.central);
    CHECK(t.uj.central <= t.uj.high);
    lo += t.uj.low;
    mid += t.uj.central;
    hi += t.uj.high;
  }
  CHECK(b.total_uj.low == Approx(lo));
  CHECK(b.total_uj.central == Approx(mid));
  CHECK(b.total_uj.high == Approx(hi));
  CHECK(b.power_mw.central == Approx(mid * 1e3 / 10));
  CHECK(b.total_uj.low < b.total_uj.high);
}

TEST_CASE("energy band: a clock gate's sinks are clocked at its duty", "[ppa][energy]") {
  flow::SynthResult s = synth_result();
  flow::ClockGatePower g;
  g.flops = 4990;
  g.macros = 10;
  g.duty_known = true;
  g.duty = 0.2;
  s.power.clock_gates.push_back(g);
  app::EnergyInputs in = inputs(s);
  const app::EnergyBand b = app::energy_band(in);
  // Active sinks 5000 + 0.2 x 5000 = 6000 of 10000: 60 mm of the 100 mm of wire (12 pF);
  // pins 5000 + 998 + 0.2 x 50 fF = 6008 fF; buffers 1/3 on top, 1000 cycles at 1 V.
  CHECK(b.clock_wire_mm == Approx(100));
  for (const app::EnergyTerm& t : b.terms)
    if (t.name == "clock_tree")
      CHECK(t.uj.central == Approx((12000.0 + 6008.0) * 4.0 / 3.0 * 1e-9 * 1000));
}

TEST_CASE("energy band: register-file banks pay the bus of a macro their size", "[ppa][energy]") {
  flow::SynthResult s = synth_result();
  s.logic_area_um2 = 250000 + 2 * 40000;  // two 200 um banks inside the logic area
  app::EnergyInputs in = inputs(s);
  for (int k = 0; k < 2; ++k) in.register_banks.push_back({40000, 120, 8, 300, 200});
  const app::EnergyBand b = app::energy_band(in);
  // Each bank is set apart from the 500 um logic square: (200 + 500) / 2 = 350 um; 128 bits x
  // 0.5 toggles x 0.5 x 0.2 fF/um x 350 um x 1 V^2 = 2.24 pJ per access, 2 x 500 accesses.
  CHECK(b.bus_length_um == Approx(350));
  for (const app::EnergyTerm& t : b.terms)
    if (t.name == "bus") CHECK(t.uj.central == Approx(2.24e-3));
}

TEST_CASE("energy band: a register file of one field per PE is placed by its PEs",
          "[ppa][energy]") {
  flow::SynthResult s = synth_result();
  s.logic_area_um2 = 250000 + 40000;  // one 200 um bank inside the logic area
  app::EnergyInputs in = inputs(s);
  app::EnergyInputs::RegisterBank r{40000, 120, 8, 300, 200};
  r.fields = 4;
  r.drain_reads = 100;
  in.register_banks.push_back(r);
  const app::EnergyBand b = app::energy_band(in);
  // As one block: (200 + 500) / 2 = 350 um for all 128 bits of the 500 accesses. Placed: a
  // field's 30 data bits run (200 / 2 + 500 / 2) / 2 = 175 um, the 8 address bits 350 um; the
  // 100 drain reads carry all 128 bits 350 um. Bit-um: 400 x (120 x 175 + 8 x 350) +
  // 100 x 128 x 350 = 14.0e6; x 0.5 toggles x 0.5 x 0.2 fF/um x 1 V^2 = 0.7 nJ.
  for (const app::EnergyTerm& t : b.terms)
    if (t.name == "bus") {
      CHECK(t.uj.central == Approx(14.0e6 * 0.05e-9));
      CHECK(t.uj.low == Approx(0.5 * 14.0e6 * 0.05e-9));
      CHECK(t.uj.high == Approx(1.5 * 500 * 128 * 350 * 0.05e-9));  // the block, detoured
    }
  CHECK(b.bus_length_um == Approx(14.0e6 / 128 / 500));
}

TEST_CASE("energy text: three significant figures, uJ or mJ", "[ppa][energy]") {
  CHECK(app::energy_text({442.4, 559.0, 731.9}) == "559 uJ (442-732)");
  CHECK(app::energy_text({1.1, 1.3, 1.72}) == "1.3 uJ (1.1-1.72)");
  CHECK(app::energy_text({49842.9, 64304.6, 84754.7}) == "64.3 mJ (49.8-84.8)");
  CHECK(app::energy_text({897.2, 1168.9, 1546.3}) == "1.17 mJ (0.897-1.55)");
}
