// SRAM macro model and its Liberty view.
//
// Area, read/write energy and leakage: interpolated in the CACTI 7 calibration table
// (flow/data/sram-cacti65.csv, HewlettPackard/cacti commit 1ffd8df, 65 nm scaled to 55 nm /
// 1.08 V; docs/ESTIMATES.md, "SRAM macros"). Organisation and access time: a first-order
// CACTI-style model (flow/README.md, "SRAM macros"): a bit-cell array organised near-square with
// a column mux, access time as decoder + word line + bit line + sense/output. The first-order
// area and energy are kept for comparison. Every parameter is in the spec's `sram:` section.
#include "zasgen/flow/sram.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "lib_text.h"
#include "zasgen/flow/error.h"
#include "zasgen/flow/sram_table.h"
#include "zasgen/util.h"

namespace zasgen::flow {

using detail::LibText;

namespace {

constexpr int kMaxDepth = 1 << 20;
constexpr int kMaxWidth = 1024;

// Column mux giving the squarest array; ties go to the larger mux (shorter bit lines).
int choose_mux(int depth, int width, double cell_w, double cell_h) {
  int best = 1;
  double best_r = 1e300;
  for (int m : {1, 2, 4, 8, 16}) {
    const int rows = int(ceil_div(depth, m));
    if (m > 1 && rows < 4) break;
    const double r = std::fabs(std::log(rows * cell_h / (double(width) * m * cell_w)));
    if (r <= best_r + 1e-12) {
      best_r = r;
      best = m;
    }
  }
  return best;
}

}  // namespace

SramMacro sram_macro(const LibertySpec& spec, const SramGeometry& g) {
  const SramKind kind = g.kind;
  const int depth = g.depth, width = g.width;
  if (depth < 2 || depth > kMaxDepth || width < 1 || width > kMaxWidth)
    throw FlowError(FlowError::Code::BadArgument, g.module_name(), "SRAM geometry out of range",
                    "2 <= depth <= " + std::to_string(kMaxDepth) +
                        ", 1 <= width <= " + std::to_string(kMaxWidth));
  const SramParams& P = spec.sram;
  const bool two_port = kind == SramKind::OneROneW;
  const double v = spec.vdd, v2 = v * v, fo4 = spec.fo4_ps, wire = spec.wire_cap_ff_um;

  SramMacro m;
  m.name = g.module_name();
  m.kind = kind;
  m.depth = depth;
  m.width = width;
  m.addr_bits = g.addr_bits();

  // ---- organisation and area ----
  const double cell = P.get("bitcell_area_6t") * (two_port ? P.get("bitcell_2port_factor") : 1.0);
  const double cell_w = std::sqrt(cell * P.get("bitcell_aspect")), cell_h = cell / cell_w;
  m.mux = choose_mux(depth, width, cell_w, cell_h);
  m.rows = int(ceil_div(depth, m.mux));
  m.cols = width * m.mux;
  m.array_w_um = m.cols * cell_w;
  m.array_h_um = m.rows * cell_h;
  m.array_area_um2 = double(m.rows) * m.cols * cell / P.get("array_efficiency");
  const int ports = two_port ? 2 : 1;  // separate read and write decoders / column circuits
  const double periphery =
      ports * m.rows * P.get("periphery_per_row") + ports * m.cols * P.get("periphery_per_column") +
      width * P.get("periphery_per_io_bit") + P.get("periphery_fixed") * (1.0 + 0.5 * (ports - 1));
  m.first_order_area_um2 = m.array_area_um2 + periphery;

  // ---- energy per access (fJ internally) ----
  const double c_bl = m.rows * P.get("bitline_cap_per_cell") + P.get("bitline_cap_fixed");
  const double act = P.get("data_activity");
  const double e_wl = m.cols * P.get("wordline_cap_per_cell") * v2;
  const double e_dec =
      act * m.addr_bits * (P.get("decoder_cap_per_addr_bit") + m.array_h_um * wire) * v2;
  const double e_io = width * P.get("io_cap_per_bit") * v2;
  const double e_data = width * 0.5 * (m.array_w_um + m.array_h_um) * wire * v2 * act;
  const double e_ctl = (P.get("control_cap") + (m.array_w_um + m.array_h_um) * wire) * v2;
  const double e_common = e_wl + e_dec + e_io + e_data + e_ctl;
  // A read discharges every column of the selected row by the read swing; a write drives the
  // written columns full swing while the half-selected ones behave like a read.
  const double swing = P.get("read_bitline_swing");
  const double e_read = m.cols * c_bl * swing * v + e_common;
  const double e_write = width * c_bl * v2 + (m.cols - width) * c_bl * swing * v + e_common;
  m.first_order_read_pj = e_read * 1e-3;
  m.first_order_write_pj = e_write * 1e-3;
  m.idle_clock_pj = P.get("idle_clock_cap") * v2 * 1e-3;

  // ---- timing (ps internally) ----
  const double t_dec = (P.get("decoder_fo4") + std::log(4.0 * m.rows) / std::log(4.0)) * fo4;
  // Distributed RC word line: 0.38 R C (ohm * fF = fs).
  const double t_wl =
      0.38 * m.array_w_um * spec.wire_res_ohm_um * m.cols * P.get("wordline_cap_per_cell") * 1e-3;
  // Bit line: C * dV / I (fF * V / uA = ns).
  const double t_bl = c_bl * P.get("sense_swing") / P.get("cell_read_current") * 1e3;
  const double t_out = P.get("sense_and_output_fo4") * fo4;
  m.access_ns = (t_dec + t_wl + t_bl + t_out) * 1e-3;
  m.setup_ns = P.get("setup_fo4") * fo4 * 1e-3;
  m.hold_ns = P.get("hold_fo4") * fo4 * 1e-3;

  // ---- area, energy and leakage: the calibration table ----
  const SramTableEstimate e = SramTable::builtin().estimate(kind, kSramDevice, depth, width);
  m.device = kSramDevice;
  m.in_table_grid = e.in_grid;
  m.area_um2 = e.area_um2;
  m.read_pj = e.read_pj;
  m.write_pj = e.write_pj;
  m.cacti_access_ns = e.access_ns;
  // CACTI's leakage is at 300 K and its own supply. First order: the leakage current is
  // unchanged by the small supply step (power ~ V), and subthreshold leakage doubles every
  // kLeakDoublingC degrees (docs/ESTIMATES.md, "Leakage").
  constexpr double kLeakDoublingC = 20.0, kCactiTempC = 300.0 - 273.15;
  m.leakage_uw = e.leak_mw * 1e3 * (v / e.vdd_65) *
                 std::pow(2.0, (spec.temperature - kCactiTempC) / kLeakDoublingC);
  return m;
}

// ---- Liberty view ----

namespace {

std::string bus_type(int width) {
  return "bus_" + std::to_string(width);
}

void write_bus_types(LibText& t, const std::vector<SramMacro>& macros) {
  std::set<int> widths;
  for (const auto& m : macros) {
    widths.insert(m.width);
    widths.insert(m.addr_bits);
  }
  for (int w : widths) {
    t.open("type (" + bus_type(w) + ")");
    t.attr("base_type", "array");
    t.attr("data_type", "bit");
    t.attr("bit_width", std::to_string(w));
    t.attr("bit_from", std::to_string(w - 1));
    t.attr("bit_to", "0");
    t.attr("downto", "true");
    t.close();
  }
}

std::string join_index(const std::vector<double>& v, double scale, int decimals) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + detail::fixed(x * scale, decimals);
  return "(\"" + s + "\");";
}

double out_drive(const LibertySpec& s) {
  return s.sram.get("output_drive");
}

std::vector<double> out_loads_ff(const LibertySpec& s) {
  std::vector<double> l;
  for (double x : s.load_index) l.push_back(x * s.c_unit_ff * out_drive(s));
  return l;
}

void write_templates(LibText& t, const LibertySpec& s) {
  t.open("lu_table_template (sram_delay)");
  t.attr("variable_1", "input_net_transition");
  t.attr("variable_2", "total_output_net_capacitance");
  t.line("index_1 " + join_index(s.slew_index_ps, 1e-3, 5));
  t.line("index_2 " + join_index(out_loads_ff(s), 1e-3, 6));
  t.close();
  t.open("lu_table_template (sram_constraint)");
  t.attr("variable_1", "related_pin_transition");
  t.attr("variable_2", "constrained_pin_transition");
  t.line("index_1 " + join_index(s.slew_index_ps, 1e-3, 5));
  t.line("index_2 " + join_index(s.slew_index_ps, 1e-3, 5));
  t.close();
  t.open("power_lut_template (sram_energy)");
  t.attr("variable_1", "input_transition_time");
  t.line("index_1 " + join_index(s.slew_index_ps, 1e-3, 5));
  t.close();
}

void constant_table(LibText& t, const LibertySpec& s, const std::string& kind, double value_ns) {
  t.open(kind + " (sram_constraint)");
  std::vector<std::vector<std::string>> rows(
      s.slew_index_ps.size(),
      std::vector<std::string>(s.slew_index_ps.size(), detail::fixed(value_ns, 5)));
  t.values(rows);
  t.close();
}

void setup_hold(LibText& t, const LibertySpec& s, const SramMacro& m) {
  for (const char* type : {"setup_rising", "hold_rising"}) {
    const double v = std::string(type) == "setup_rising" ? m.setup_ns : m.hold_ns;
    t.open("timing ()");
    t.qattr("related_pin", "clk");
    t.attr("timing_type", type);
    constant_table(t, s, "rise_constraint", v);
    constant_table(t, s, "fall_constraint", v);
    t.close();
  }
}

void input(LibText& t, const LibertySpec& s, const SramMacro& m, const std::string& name,
           int bits) {
  const std::string cap = detail::pf(s.sram.get("input_pin_cap"));
  if (bits > 0) {
    t.open("bus (" + name + ")");
    t.attr("bus_type", bus_type(bits));
  } else {
    t.open("pin (" + name + ")");
  }
  t.attr("direction", "input");
  t.attr("capacitance", cap);
  setup_hold(t, s, m);
  t.close();
}

// Energy per clk rising edge under a `when` condition; nothing on the falling edge.
void clock_energy(LibText& t, const LibertySpec& s, const std::string& when, double pj) {
  t.open("internal_power ()");
  t.qattr("when", when);
  t.open("rise_power (sram_energy)");
  t.values({std::vector<std::string>(s.slew_index_ps.size(), detail::fixed(pj, 8))});
  t.close();
  t.open("fall_power (sram_energy)");
  t.values({std::vector<std::string>(s.slew_index_ps.size(), detail::fixed(0.0, 8))});
  t.close();
  t.close();
}

void write_macro(LibText& t, const LibertySpec& s, const SramMacro& m) {
  const bool two = m.kind == SramKind::OneROneW;
  const double tau = s.tau_ps(), drive = out_drive(s);
  t.open("cell (" + m.name + ")");
  t.attr("area", detail::fixed(m.area_um2, 4));
  t.attr("dont_use", "true");
  t.attr("dont_touch", "true");
  t.attr("is_macro_cell", "true");
  t.attr("interface_timing", "true");
  t.attr("cell_leakage_power", detail::fixed(m.leakage_uw * 1e3, 6));  // nW

  t.open("pin (clk)");
  t.attr("direction", "input");
  t.attr("clock", "true");
  t.attr("capacitance", detail::pf(s.sram.get("clock_pin_cap")));
  if (two) {
    clock_energy(t, s, "re", m.read_pj);
    clock_energy(t, s, "we", m.write_pj);
    clock_energy(t, s, "!re & !we", m.idle_clock_pj);
  } else {
    clock_energy(t, s, "ce & !we", m.read_pj);
    clock_energy(t, s, "ce & we", m.write_pj);
    clock_energy(t, s, "!ce", m.idle_clock_pj);
  }
  t.close();

  if (two) {
    input(t, s, m, "re", 0);
    input(t, s, m, "raddr", m.addr_bits);
    input(t, s, m, "we", 0);
    input(t, s, m, "waddr", m.addr_bits);
  } else {
    input(t, s, m, "ce", 0);
    input(t, s, m, "we", 0);
    input(t, s, m, "addr", m.addr_bits);
  }
  input(t, s, m, "wdata", m.width);

  // Read data: clk -> rdata is the access time at the reference load (4 x the output drive);
  // heavier loads add tau per unit of fanout like any cell.
  const double core_ps = m.access_ns * 1e3 - tau * 4.0;
  t.open("bus (rdata)");
  t.attr("bus_type", bus_type(m.width));
  t.attr("direction", "output");
  t.attr("max_capacitance", detail::pf(s.max_fanout_load * s.c_unit_ff * drive));
  t.open("timing ()");
  t.qattr("related_pin", "clk");
  t.attr("timing_type", "rising_edge");
  t.attr("timing_sense", "non_unate");
  auto table = [&](const char* kind, bool transition) {
    t.open(std::string(kind) + " (sram_delay)");
    std::vector<std::vector<std::string>> rows;
    for (double slew : s.slew_index_ps) {
      std::vector<std::string> r;
      for (double load : out_loads_ff(s)) {
        const double h = load / (s.c_unit_ff * drive);
        const double ps = transition ? s.k_tr * tau * (h + s.p_inv) + s.k_ss * slew
                                     : core_ps + tau * h + s.k_ds * slew;
        r.push_back(detail::ns(ps));
      }
      rows.push_back(r);
    }
    t.values(rows);
    t.close();
  };
  table("cell_rise", false);
  table("rise_transition", true);
  table("cell_fall", false);
  table("fall_transition", true);
  t.close();  // timing
  t.close();  // bus rdata
  t.close();  // cell
}

}  // namespace

std::string write_sram_liberty(const LibertySpec& s, const std::vector<SramMacro>& macros_in) {
  std::vector<SramMacro> macros = macros_in;
  std::sort(macros.begin(), macros.end(),
            [](const SramMacro& a, const SramMacro& b) { return a.name < b.name; });
  macros.erase(std::unique(macros.begin(), macros.end(),
                           [](const SramMacro& a, const SramMacro& b) { return a.name == b.name; }),
               macros.end());
  LibText t;
  std::vector<std::string> head = detail::header_lines(
      s, "Liberty library " + s.name + "_sram: SRAM macros of a synthetic 55-nm-like LP process.",
      s.sram.params);
  head.insert(head.begin() + 2,
              "Macros are timing/area/power views only; behavioural models come from templates/.");
  head.insert(head.begin() + 3, std::string("Area, read/write energy and leakage: CACTI 7 table "
                                            "flow/data/sram-cacti65.csv (") +
                                    kSramDevice +
                                    ", 65 nm scaled to 55 nm), log-log interpolation; timing: "
                                    "the first-order model below.");
  t.comment_block(head);
  t.open("library (" + s.name + "_sram)");
  t.qattr("comment",
          "Synthetic estimate, not foundry data; generated by zasgen from " + s.spec_name);
  detail::write_preamble(t, s);
  write_bus_types(t, macros);
  write_templates(t, s);
  for (const auto& m : macros) write_macro(t, s, m);
  t.close();
  return t.str();
}

}  // namespace zasgen::flow
