#include "zasgen/app/energy.h"

#include <cmath>

#include <fmt/format.h>

namespace zasgen::app {

namespace {

Range scaled(const Range& r, double x) {
  return {r.low * x, r.central * x, r.high * x};
}

Range add(const Range& a, const Range& b) {
  return {a.low + b.low, a.central + b.central, a.high + b.high};
}

}  // namespace

EnergyBand energy_band(const EnergyInputs& in, const EnergyParams& p) {
  const flow::SynthResult& s = *in.synth;
  const flow::PowerResult& pw = s.power;
  const double t_us = in.layer_us;
  const double v2 = in.vdd * in.vdd;
  auto uj = [&](double mw) { return mw * t_us * 1e-3; };

  EnergyBand b;
  // OpenSTA: logic (everything but the macros) and the macros' dynamic and leakage parts.
  const double logic = uj(pw.total.total_mw() - pw.macro.total_mw());
  const double sram_dyn = uj(pw.macro.internal_mw + pw.macro.switching_mw);
  const double sram_leak = uj(pw.macro.leakage_mw);
  b.terms.push_back({"sta_logic", {logic, logic, logic}});
  b.terms.push_back({"sta_sram_leakage", {sram_leak, sram_leak, sram_leak}});
  b.terms.push_back({"sta_sram_access", scaled(p.sram_scale, sram_dyn)});

  // Buses: each macro or register-file bank sits beside the logic block; its data and address
  // wires run centre-to-centre of the two squares. A register file of one field per PE is
  // placed as slices beside the PEs: a field's data run centre-to-centre of its slice and its
  // PE's part of the logic, the address to every slice, and the drain's reads across the
  // array. `placed` charges that floorplan, `block` every bank as one block (the high corner:
  // a floorplan that does not keep the fields by their PEs).
  double banks_um2 = 0;
  for (const EnergyInputs::RegisterBank& r : in.register_banks) banks_um2 += r.area_um2;
  const double logic_side = std::sqrt(std::max(0.0, s.logic_area_um2 - banks_um2));
  // 1/2 C V^2 per toggle (fF * V^2 = fJ), per um of one bit's wire.
  const double pj_per_bit_um = p.bus_toggle_prob * 0.5 * in.wire_cap_ff_um * v2 * 1e-3;
  double placed_pj = 0, block_pj = 0, weighted_len = 0, accesses = 0;
  auto bus = [&](double block_um2, int width, int addr_bits, double n, int fields,
                 double crossing) {
    const double len = 0.5 * (std::sqrt(block_um2) + logic_side);
    const double f = double(std::max(1, fields));
    const double field_len = 0.5 * (std::sqrt(block_um2 / f) + logic_side / std::sqrt(f));
    const double local = std::max(0.0, n - crossing);
    const double placed = local * (width * field_len + addr_bits * len) +  // bit-um
                          crossing * double(width + addr_bits) * len;
    placed_pj += placed * pj_per_bit_um;
    block_pj += n * double(width + addr_bits) * len * pj_per_bit_um;
    weighted_len += placed / double(width + addr_bits);  // n x the mean length of a bit
    accesses += n;
  };
  for (const EnergyInputs::Instance& i : in.instances)
    bus(i.macro.area_um2, i.macro.width, i.macro.addr_bits, double(i.reads + i.writes), 1, 0);
  for (const EnergyInputs::RegisterBank& r : in.register_banks)
    bus(r.area_um2, r.width, r.addr_bits, r.reads + r.writes, r.fields, r.drain_reads);
  b.bus_length_um = accesses > 0 ? weighted_len / accesses : 0;
  b.terms.push_back(
      {"bus",
       {p.bus_length_scale.low * placed_pj * 1e-6, p.bus_length_scale.central * placed_pj * 1e-6,
        p.bus_length_scale.high * block_pj * 1e-6}});

  // Clock tree: wire over the whole die to every flop and macro, the sink pins and the
  // buffers; C V^2 per cycle. OpenSTA's ideal clock is driven by a port, which it does not
  // charge for the net. A clock gate's sinks, and their share of the wire, switch in the
  // gate's duty of the cycles only.
  const double sinks = double(s.flop_count + s.macro_count);
  const double wire_um = std::sqrt(sinks * std::max(0.0, s.total_area_um2));
  b.clock_wire_mm = wire_um * 1e-3;
  double flops = double(s.flop_count), macros = double(s.macro_count);
  for (const flow::ClockGatePower& g : pw.clock_gates) {
    flops -= (1.0 - g.duty) * double(g.flops);
    macros -= (1.0 - g.duty) * double(g.macros);
  }
  const double active_wire_um = sinks > 0 ? wire_um * (flops + macros) / sinks : 0;
  const double pins_ff = flops * in.flop_clock_pin_ff + macros * in.macro_clock_pin_ff;
  auto clock_uj = [&](double k) {
    const double c_ff =
        (k * active_wire_um * in.wire_cap_ff_um + pins_ff) * (1.0 + p.clock_buffer_share);
    return c_ff * v2 * 1e-9 * double(in.cycles);  // fJ -> uJ
  };
  b.terms.push_back({"clock_tree",
                     {clock_uj(p.clock_length_scale.low), clock_uj(p.clock_length_scale.central),
                      clock_uj(p.clock_length_scale.high)}});

  // Glitches on combinational nets.
  const double comb_dyn = uj(pw.combinational.internal_mw + pw.combinational.switching_mw);
  b.terms.push_back({"glitch", scaled(p.glitch, comb_dyn)});

  for (const EnergyTerm& t : b.terms) b.total_uj = add(b.total_uj, t.uj);
  b.power_mw = t_us > 0 ? scaled(b.total_uj, 1e3 / t_us) : Range{};
  return b;
}

std::string energy_text(const Range& uj) {
  const bool milli = std::fabs(uj.central) >= 1000;
  const double k = milli ? 1e-3 : 1.0;
  const auto f = [&](double v) { return fmt::format("{:.3g}", v * k); };
  return f(uj.central) + (milli ? " mJ (" : " uJ (") + f(uj.low) + "-" + f(uj.high) + ")";
}

}  // namespace zasgen::app
