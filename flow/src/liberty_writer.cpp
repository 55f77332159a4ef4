// The standard-cell Liberty writer and the NLDM model behind it.
//
// Every table value comes from the four model functions below (delay, transition, internal
// energy, leakage), so tests can recompute any number the library states.
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "lib_text.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/liberty.h"

namespace zasgen::flow {

using detail::LibText;

// ---- the model ----

double cell_delay_ps(const LibertySpec& s, const CellVariant& v, double slew_ps, double load_ff) {
  const double h = load_ff / s.c_unit_ff;
  return s.tau_ps() * (h / v.drive + v.p) + s.k_ds * slew_ps;
}

double cell_transition_ps(const LibertySpec& s, const CellVariant& v, double slew_ps,
                          double load_ff) {
  const double h = load_ff / s.c_unit_ff;
  return s.k_tr * s.tau_ps() * (h / v.drive + v.p_out) + s.k_ss * slew_ps;
}

double cell_internal_energy_fj(const LibertySpec& s, const CellVariant& v, double load_ff) {
  // Parasitic (self-loading) capacitance is p * C_unit * drive in logical-effort units; the
  // short-circuit share shrinks as a heavier load slows the output edge.
  const double h = load_ff / (s.c_unit_ff * v.drive);
  const double units = v.p_energy + s.short_circuit / (1.0 + h / 4.0);
  return 0.5 * s.vdd * s.vdd * s.c_unit_ff * v.drive * units;
}

double cell_leakage_pw(const LibertySpec& s, const CellVariant& v) {
  return s.leak_pw_per_ge * v.area_ge;
}

double dff_clock_energy_fj(const LibertySpec& s) {
  return s.dff_clock_energy_units * s.c_unit_ff * s.vdd * s.vdd;
}

void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw FlowError(FlowError::Code::Io, path, "cannot open for writing");
    out << text;
    out.flush();
    if (!out) throw FlowError(FlowError::Code::Io, path, "write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw FlowError(FlowError::Code::Io, path, "cannot rename the temporary file into place");
  }
}

namespace {

// Table templates exist per drive strength, because the load axis is in units of the cell's
// own drive (every size sees fanouts ~0.25 .. 48).
std::string delay_template(double drive) {
  return "delay_7x7_x" + detail::fixed(drive, 0);
}
std::string energy_template(double drive) {
  return "energy_load_x" + detail::fixed(drive, 0);
}
const char* kInputEnergyTemplate = "energy_slew";
const char* kConstraintTemplate = "constraint_7x7";

std::vector<double> loads_ff(const LibertySpec& s, double drive) {
  std::vector<double> l;
  for (double x : s.load_index) l.push_back(x * s.c_unit_ff * drive);
  return l;
}

std::vector<std::string> ns_list(const std::vector<double>& ps) {
  std::vector<std::string> r;
  for (double x : ps) r.push_back(detail::ns(x));
  return r;
}

std::vector<std::string> pf_list(const std::vector<double>& ff) {
  std::vector<std::string> r;
  for (double x : ff) r.push_back(detail::pf(x));
  return r;
}

std::string index(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return "(\"" + s + "\");";
}

std::vector<double> drives_used(const LibertySpec& s) {
  std::vector<double> d;
  for (const auto& c : s.cells)
    for (const auto& v : c.variants)
      if (std::find(d.begin(), d.end(), v.drive) == d.end()) d.push_back(v.drive);
  std::sort(d.begin(), d.end());
  return d;
}

void write_templates(LibText& t, const LibertySpec& s) {
  for (double d : drives_used(s)) {
    t.open("lu_table_template (" + delay_template(d) + ")");
    t.attr("variable_1", "input_net_transition");
    t.attr("variable_2", "total_output_net_capacitance");
    t.line("index_1 " + index(ns_list(s.slew_index_ps)));
    t.line("index_2 " + index(pf_list(loads_ff(s, d))));
    t.close();
    t.open("power_lut_template (" + energy_template(d) + ")");
    t.attr("variable_1", "total_output_net_capacitance");
    t.line("index_1 " + index(pf_list(loads_ff(s, d))));
    t.close();
  }
  t.open(std::string("power_lut_template (") + kInputEnergyTemplate + ")");
  t.attr("variable_1", "input_transition_time");
  t.line("index_1 " + index(ns_list(s.slew_index_ps)));
  t.close();
  t.open(std::string("lu_table_template (") + kConstraintTemplate + ")");
  t.attr("variable_1", "related_pin_transition");
  t.attr("variable_2", "constrained_pin_transition");
  t.line("index_1 " + index(ns_list(s.slew_index_ps)));
  t.line("index_2 " + index(ns_list(s.slew_index_ps)));
  t.close();
}

// Pre-layout wire-load model: wire_length_per_fanout um per fanout at wire_cap/wire_res.
void write_wire_load(LibText& t, const LibertySpec& s) {
  t.open("wire_load (\"" + s.name + "_wl\")");
  t.attr("capacitance", detail::fixed(s.wire_cap_ff_um * 1e-3, 7));  // pF per um
  t.attr("resistance", detail::fixed(s.wire_res_ohm_um * 1e-3, 7));  // kohm per um
  t.attr("area", "0");
  t.attr("slope", detail::fixed(s.wire_um_per_fanout, 3));
  for (int f = 1; f <= 8; ++f)
    t.line("fanout_length (" + std::to_string(f) + ", " +
           detail::fixed(s.wire_um_per_fanout * f, 3) + ");");
  t.close();
  t.qattr("default_wire_load", s.name + "_wl");
  t.attr("default_wire_load_mode", "top");
}

// A 2-D table (input slew x load) of `f(slew_ps, load_ff)` in ps, printed in ns.
template <class F>
void delay_table(LibText& t, const LibertySpec& s, const char* kind, double drive, F f) {
  t.open(std::string(kind) + " (" + delay_template(drive) + ")");
  std::vector<std::vector<std::string>> rows;
  for (double slew : s.slew_index_ps) {
    std::vector<std::string> r;
    for (double load : loads_ff(s, drive)) r.push_back(detail::ns(f(slew, load)));
    rows.push_back(r);
  }
  t.values(rows);
  t.close();
}

void arc_tables(LibText& t, const LibertySpec& s, const CellVariant& v, bool rise, bool fall) {
  auto d = [&](double sl, double ld) { return cell_delay_ps(s, v, sl, ld); };
  auto tr = [&](double sl, double ld) { return cell_transition_ps(s, v, sl, ld); };
  if (rise) {
    delay_table(t, s, "cell_rise", v.drive, d);
    delay_table(t, s, "rise_transition", v.drive, tr);
  }
  if (fall) {
    delay_table(t, s, "cell_fall", v.drive, d);
    delay_table(t, s, "fall_transition", v.drive, tr);
  }
}

// Output internal power without related_pin: energy per output transition vs load. OpenSTA
// 2.0.17 charges it as average(rise, fall) x output activity, which is this group's meaning
// (flow/README.md, "Power").
void output_internal_power(LibText& t, const LibertySpec& s, const CellVariant& v) {
  t.open("internal_power ()");
  for (const char* kind : {"rise_power", "fall_power"}) {
    t.open(std::string(kind) + " (" + energy_template(v.drive) + ")");
    std::vector<std::string> row;
    for (double load : loads_ff(s, v.drive))
      row.push_back(detail::pj(cell_internal_energy_fj(s, v, load)));
    t.values({row});
    t.close();
  }
  t.close();
}

// Input-pin internal power: a constant energy per transition of the pin.
void input_internal_power(LibText& t, const LibertySpec& s, double energy_fj) {
  t.open("internal_power ()");
  for (const char* kind : {"rise_power", "fall_power"}) {
    t.open(std::string(kind) + " (" + kInputEnergyTemplate + ")");
    std::vector<std::string> row(s.slew_index_ps.size(), detail::pj(energy_fj));
    t.values({row});
    t.close();
  }
  t.close();
}

void input_pin(LibText& t, const LibertySpec& s, const InputPin& p, const CellVariant& v,
               bool clock = false) {
  const double cap = p.g * v.cin * s.c_unit_ff;
  t.open("pin (" + p.name + ")");
  t.attr("direction", "input");
  if (clock) t.attr("clock", "true");
  t.attr("capacitance", detail::pf(cap));
  t.attr("rise_capacitance", detail::pf(cap));
  t.attr("fall_capacitance", detail::pf(cap));
}

void cell_head(LibText& t, const LibertySpec& s, const CellSpec& c, const CellVariant& v) {
  t.open("cell (" + v.name + ")");
  t.attr("area", detail::fixed(s.area_um2(v), 4));
  t.qattr("cell_footprint", c.name);
  t.attr("cell_leakage_power", detail::nw(cell_leakage_pw(s, v)));
}

void output_pin_head(LibText& t, const LibertySpec& s, const CellSpec& c, const CellVariant& v,
                     const std::string& function) {
  t.open("pin (" + c.output + ")");
  t.attr("direction", "output");
  t.qattr("function", function);
  t.attr("max_capacitance", detail::pf(s.max_fanout_load * s.c_unit_ff * v.drive));
}

void write_comb(LibText& t, const LibertySpec& s, const CellSpec& c, const CellVariant& v) {
  cell_head(t, s, c, v);
  for (const auto& p : c.inputs) {
    input_pin(t, s, p, v);
    t.close();
  }
  output_pin_head(t, s, c, v, c.function);
  output_internal_power(t, s, v);
  std::vector<std::string> names;
  for (const auto& p : c.inputs) names.push_back(p.name);
  for (const auto& p : c.inputs) {
    t.open("timing ()");
    t.qattr("related_pin", p.name);
    t.attr("timing_sense", detail::timing_sense(c.function, names, p.name));
    t.attr("timing_type", "combinational");
    arc_tables(t, s, v, true, true);
    t.close();
  }
  t.close();  // pin
  t.close();  // cell
}

void write_tie(LibText& t, const LibertySpec& s, const CellSpec& c, const CellVariant& v) {
  cell_head(t, s, c, v);
  // Kept away from ABC (which would try to map constants onto them); hilomap places them.
  t.attr("dont_use", "true");
  t.open("pin (" + c.output + ")");
  t.attr("direction", "output");
  t.qattr("function", c.kind == CellKind::TieHi ? "1" : "0");
  t.close();
  t.close();
}

// A constraint table: base + data_slope * constrained slew + clock_slope * clock slew (ps).
void constraint(LibText& t, const LibertySpec& s, const std::string& kind, double base_ps,
                double data_slope, double clock_slope) {
  t.open(kind + " (" + kConstraintTemplate + ")");
  std::vector<std::vector<std::string>> rows;
  for (double ck : s.slew_index_ps) {
    std::vector<std::string> r;
    for (double d : s.slew_index_ps)
      r.push_back(detail::ns(base_ps + data_slope * d + clock_slope * ck));
    rows.push_back(r);
  }
  t.values(rows);
  t.close();
}

void check_arc(LibText& t, const LibertySpec& s, const std::string& type, double base_ps,
               double data_slope, double clock_slope, bool rise_only = false) {
  t.open("timing ()");
  t.qattr("related_pin", "CK");
  t.attr("timing_type", type);
  constraint(t, s, "rise_constraint", base_ps, data_slope, clock_slope);
  if (!rise_only) constraint(t, s, "fall_constraint", base_ps, data_slope, clock_slope);
  t.close();
}

void write_flop(LibText& t, const LibertySpec& s, const CellSpec& c, const CellVariant& v) {
  const bool reset = c.kind == CellKind::DffR;
  const double fo4 = s.fo4_ps;
  const double e_unit = 0.5 * s.vdd * s.vdd * s.c_unit_ff;  // fJ per unit-cap transition
  cell_head(t, s, c, v);
  t.open("ff (IQ, IQN)");
  t.qattr("next_state", "D");
  t.qattr("clocked_on", "CK");
  if (reset) t.qattr("clear", "!RN");
  t.close();
  for (const auto& p : c.inputs) {
    const bool clock = p.name == "CK";
    input_pin(t, s, p, v, clock);
    if (clock) {
      // Energy per clock cycle split over the two edges.
      input_internal_power(t, s, 0.5 * dff_clock_energy_fj(s));
    } else {
      input_internal_power(t, s, e_unit * p.g * v.cin);
    }
    if (p.name == "D") {
      // Setup grows with the data slew and shrinks with the clock slew (both edges arrive
      // later at the master latch), hold the other way; the anchors hold at equal slews.
      check_arc(t, s, "setup_rising", s.dff_setup_fo4 * fo4, s.k_ds, -s.k_ds);
      check_arc(t, s, "hold_rising", s.dff_hold_fo4 * fo4, -s.k_ds * 0.5, s.k_ds * 0.5);
    }
    if (p.name == "RN") {
      check_arc(t, s, "recovery_rising", s.dff_setup_fo4 * fo4, s.k_ds, -s.k_ds, true);
      check_arc(t, s, "removal_rising", s.dff_hold_fo4 * fo4, -s.k_ds * 0.5, s.k_ds * 0.5, true);
    }
    t.close();
  }
  output_pin_head(t, s, c, v, "IQ");
  output_internal_power(t, s, v);
  t.open("timing ()");
  t.qattr("related_pin", "CK");
  t.attr("timing_sense", "non_unate");
  t.attr("timing_type", "rising_edge");
  arc_tables(t, s, v, true, true);
  t.close();
  if (reset) {
    // RN low forces Q low: a falling arc, as fast as the clk->q path's output stage.
    t.open("timing ()");
    t.qattr("related_pin", "RN");
    t.attr("timing_sense", "positive_unate");
    t.attr("timing_type", "clear");
    arc_tables(t, s, v, false, true);
    t.close();
  }
  t.close();  // pin
  t.close();  // cell
}

}  // namespace

std::string write_liberty(const LibertySpec& s) {
  LibText t;
  t.comment_block(detail::header_lines(
      s, "Liberty library " + s.name + ": standard cells of a synthetic 55-nm-like LP process.",
      s.anchors));
  t.open("library (" + s.name + ")");
  t.qattr("comment",
          "Synthetic estimate, not foundry data; generated by zasgen from " + s.spec_name);
  detail::write_preamble(t, s);
  write_wire_load(t, s);
  write_templates(t, s);
  for (const auto& c : s.cells) {
    for (const auto& v : c.variants) {
      switch (c.kind) {
        case CellKind::Comb:
          write_comb(t, s, c, v);
          break;
        case CellKind::Dff:
        case CellKind::DffR:
          write_flop(t, s, c, v);
          break;
        case CellKind::TieHi:
        case CellKind::TieLo:
          write_tie(t, s, c, v);
          break;
      }
    }
  }
  t.close();
  return t.str();
}

}  // namespace zasgen::flow
