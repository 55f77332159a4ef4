// The zasgen55 process model: a checked-in YAML spec (flow/spec/process55.yaml) of process
// anchors, cells and SRAM parameters, each anchor with a cited source, and the Liberty writer
// that turns it into NLDM delay/slew tables, pin capacitances, internal and leakage power.
//
// The delay model is logical effort (Sutherland, Sproull, Harris 1999) scaled so that an FO4
// inverter chain reproduces the spec's FO4 anchor; see flow/README.md and the spec's header.
// Everything generated from it is a synthetic estimate, not foundry data, and says so.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace zasgen::flow {

// One cited number of the spec.
struct Anchor {
  double value = 0;
  std::string unit;
  std::string status;  // given | checked | derived | estimate | unchecked
  std::string source;
};

enum class CellKind { Comb, Dff, DffR, TieHi, TieLo };

struct InputPin {
  std::string name;
  double g = 1;  // logical effort: pin capacitance = g * cin * C_unit
};

// One drive strength of a cell, e.g. NAND2_X2.
struct CellVariant {
  std::string name;     // "NAND2_X2"
  double drive = 1;     // output strength in INV_X1 units
  double area_ge = 1;   // area in NAND2_X1 equivalents
  double cin = 1;       // input capacitance multiplier (single-stage gates: = drive)
  double p = 1;         // parasitic delay, in tau
  double p_out = 1;     // parasitic of the output stage (output transition)
  double p_energy = 1;  // parasitic switched per output transition (internal energy); = p
                        // for gates, the spec's p for flops (their p is derived from clk->q)
};

struct CellSpec {
  std::string name;  // base name, "NAND2"
  CellKind kind = CellKind::Comb;
  std::string function;  // Liberty boolean function of the output (Comb only)
  std::vector<InputPin> inputs;
  std::string output;  // output pin name
  std::vector<CellVariant> variants;
};

// The SRAM model's parameters (values in the units the spec states).
struct SramParams {
  std::map<std::string, Anchor> params;      // by spec key, e.g. "bitcell_area_6t"
  double get(const std::string& key) const;  // throws std::logic_error when absent
};

struct LibertySpec {
  std::string name;       // library name, "zasgen55"
  std::string spec_name;  // spec file name without directories (for headers; deterministic)
  std::map<std::string, Anchor> anchors;  // by spec key, e.g. "fo4_delay"

  // ---- typed views of the anchors (filled by load_process_spec) ----
  double vdd = 1.08;            // V
  double temperature = 25;      // C
  double nand2_area = 1.17;     // um2
  double fo4_ps = 28;           // ps
  double c_unit_ff = 1.0;       // fF, INV_X1 input capacitance
  double wire_cap_ff_um = 0.2;  // fF/um
  double wire_res_ohm_um = 1.0;
  double wire_um_per_fanout = 6;
  double leak_pw_per_ge = 10;  // pW per NAND2 equivalent
  double dff_clk_to_q_fo4 = 2.5, dff_setup_fo4 = 1.5, dff_hold_fo4 = 0.3;
  double dff_clock_energy_units = 4.0;  // C_unit * V^2 per clock cycle

  // ---- NLDM model shape ----
  double p_inv = 1.0;
  double k_tr = 1.5;  // output transition per tau of (h/drive + p_out)
  double k_ds = 0.2;  // delay per unit of input transition
  double k_ss = 0.1;  // output transition per unit of input transition
  double short_circuit = 0.5;
  std::vector<double> slew_index_ps;  // table axis 1 (input transition)
  std::vector<double> load_index;     // table axis 2, units of C_unit x drive
  double max_fanout_load = 48;

  std::vector<CellSpec> cells;
  SramParams sram;

  // Derived: the logical-effort time unit that makes an FO4 chain settle at fo4_ps.
  double tau_ps() const;
  // Derived: the 20-80% transition an FO4 chain settles at.
  double fo4_slew_ps() const;

  const CellVariant* find_variant(const std::string& name) const;
  const CellSpec* find_cell_of(const std::string& variant_name) const;
  double area_um2(const CellVariant& v) const { return v.area_ge * nand2_area; }
};

// Reads and validates a process spec. Errors (FlowError, codes Spec*) name the file, line and
// column, the key, what is wrong and what is accepted.
LibertySpec load_process_spec(const std::string& path);

// The path of the checked-in spec in the source tree (ZASGEN_SOURCE_ROOT/flow/spec/process55.yaml).
std::string default_process_spec_path();

// ---- the NLDM model, exposed so tests and the SRAM model use the same arithmetic ----

// Propagation delay (50%-50%) and 20-80% output transition, in ps, of a cell variant driving
// `load_ff` with input transition `slew_ps`.
double cell_delay_ps(const LibertySpec& s, const CellVariant& v, double slew_ps, double load_ff);
double cell_transition_ps(const LibertySpec& s, const CellVariant& v, double slew_ps,
                          double load_ff);
// Energy per output transition dissipated inside the cell (excluding the load), in fJ.
double cell_internal_energy_fj(const LibertySpec& s, const CellVariant& v, double load_ff);
// Leakage in pW.
double cell_leakage_pw(const LibertySpec& s, const CellVariant& v);
// Clock-pin energy of a flop per clock cycle (both edges), in fJ.
double dff_clock_energy_fj(const LibertySpec& s);

// The Liberty text of library `name`: deterministic (fixed number formatting, spec order).
std::string write_liberty(const LibertySpec& spec);

// Writes `text` to `path` through a temporary file and a rename (TEAM.md); throws FlowError(Io).
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace zasgen::flow
