// Reading and validating the process spec (flow/spec/process55.yaml).
//
// The spec is small and hand-edited, so the reader is strict: unknown keys are errors (typos
// would otherwise silently fall back to defaults), every anchor must cite a source, and every
// error points at the file, line and column of the offending node.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "zasgen/flow/error.h"
#include "zasgen/flow/liberty.h"

namespace zasgen::flow {

namespace {

using Code = FlowError::Code;

// Context for error messages: the file name and the node's mark.
struct Reader {
  std::string file;

  std::string where(const YAML::Node& n, const std::string& key) const {
    std::string w = file;
    const YAML::Mark m = n.Mark();
    if (m.line >= 0) w += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    if (!key.empty()) w += ": " + key;
    return w;
  }

  [[noreturn]] void fail(Code code, const YAML::Node& n, const std::string& key,
                         const std::string& problem, const std::string& accepted = "") const {
    throw FlowError(code, where(n, key), problem, accepted);
  }

  void expect_map(const YAML::Node& n, const std::string& key) const {
    if (!n.IsMap()) fail(Code::SpecValue, n, key, "expected a mapping", "key: value pairs");
  }

  // Rejects keys outside `allowed`.
  void check_keys(const YAML::Node& n, const std::string& key,
                  const std::set<std::string>& allowed) const {
    for (const auto& kv : n) {
      const std::string k = kv.first.as<std::string>();
      if (!allowed.count(k)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(Code::SpecUnknownKey, kv.first, key.empty() ? k : key + "." + k, "unknown key", list);
      }
    }
  }

  YAML::Node require(const YAML::Node& parent, const std::string& parent_key,
                     const std::string& k) const {
    const YAML::Node n = parent[k];
    if (!n)
      fail(Code::SpecMissing, parent, parent_key.empty() ? k : parent_key + "." + k,
           "required key is missing");
    return n;
  }

  double number(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(Code::SpecValue, n, key, "expected a number");
    try {
      const double v = n.as<double>();
      if (!std::isfinite(v)) fail(Code::SpecValue, n, key, "not a finite number");
      return v;
    } catch (const YAML::Exception&) {
      fail(Code::SpecValue, n, key, "'" + n.as<std::string>() + "' is not a number");
    }
  }

  double positive(const YAML::Node& n, const std::string& key) const {
    const double v = number(n, key);
    if (v <= 0)
      fail(Code::SpecValue, n, key, "must be positive, got " + n.as<std::string>(), "a number > 0");
    return v;
  }

  std::string text(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(Code::SpecValue, n, key, "expected a string");
    return n.as<std::string>();
  }

  std::vector<double> increasing(const YAML::Node& n, const std::string& key,
                                 size_t min_size) const {
    if (!n.IsSequence() || n.size() < min_size)
      fail(Code::SpecValue, n, key,
           "expected a list of at least " + std::to_string(min_size) + " numbers");
    std::vector<double> v;
    for (const auto& e : n) v.push_back(positive(e, key));
    for (size_t i = 1; i < v.size(); ++i)
      if (v[i] <= v[i - 1]) fail(Code::SpecValue, n, key, "values must increase strictly");
    return v;
  }
};

const std::set<std::string> kStatuses = {"given", "checked", "derived", "estimate", "unchecked"};

Anchor read_anchor(const Reader& r, const YAML::Node& n, const std::string& key) {
  r.expect_map(n, key);
  r.check_keys(n, key, {"value", "unit", "status", "source"});
  Anchor a;
  a.value = r.number(r.require(n, key, "value"), key + ".value");
  a.unit = r.text(r.require(n, key, "unit"), key + ".unit");
  const YAML::Node st = r.require(n, key, "status");
  a.status = r.text(st, key + ".status");
  if (!kStatuses.count(a.status))
    r.fail(Code::SpecValue, st, key + ".status", "unknown status '" + a.status + "'",
           "given, checked, derived, estimate, unchecked");
  const YAML::Node src = r.require(n, key, "source");
  a.source = r.text(src, key + ".source");
  if (a.source.size() < 8)
    r.fail(Code::SpecValue, src, key + ".source", "every anchor needs a real source citation");
  return a;
}

// Anchors the model uses; each must be present. Temperature may be any number; the others
// must be positive.
const std::vector<std::string> kAnchorKeys = {"supply_voltage",    "temperature",
                                              "nand2_area",        "fo4_delay",
                                              "unit_input_cap",    "wire_cap",
                                              "wire_res",          "wire_length_per_fanout",
                                              "leakage_per_nand2", "dff_clk_to_q",
                                              "dff_setup",         "dff_hold",
                                              "dff_clock_energy",  "energy_scale_45_to_55"};

const std::vector<std::string> kSramKeys = {"bitcell_area_6t",
                                            "bitcell_2port_factor",
                                            "bitcell_aspect",
                                            "array_efficiency",
                                            "periphery_per_row",
                                            "periphery_per_column",
                                            "periphery_per_io_bit",
                                            "periphery_fixed",
                                            "bitline_cap_per_cell",
                                            "bitline_cap_fixed",
                                            "read_bitline_swing",
                                            "wordline_cap_per_cell",
                                            "decoder_cap_per_addr_bit",
                                            "io_cap_per_bit",
                                            "data_activity",
                                            "control_cap",
                                            "idle_clock_cap",
                                            "cell_read_current",
                                            "sense_swing",
                                            "decoder_fo4",
                                            "sense_and_output_fo4",
                                            "setup_fo4",
                                            "hold_fo4",

                                            "input_pin_cap",
                                            "clock_pin_cap",
                                            "output_drive"};

std::set<std::string> as_set(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

void read_anchors(const Reader& r, const YAML::Node& n, LibertySpec& s) {
  r.expect_map(n, "anchors");
  r.check_keys(n, "anchors", as_set(kAnchorKeys));
  for (const auto& k : kAnchorKeys) {
    const YAML::Node a = r.require(n, "anchors", k);
    s.anchors[k] = read_anchor(r, a, "anchors." + k);
    if (k != "temperature" && s.anchors[k].value <= 0)
      r.fail(Code::SpecValue, a["value"], "anchors." + k + ".value", "must be positive",
             "a number > 0");
  }
  auto v = [&](const char* k) { return s.anchors.at(k).value; };
  s.vdd = v("supply_voltage");
  s.temperature = v("temperature");
  s.nand2_area = v("nand2_area");
  s.fo4_ps = v("fo4_delay");
  s.c_unit_ff = v("unit_input_cap");
  s.wire_cap_ff_um = v("wire_cap");
  s.wire_res_ohm_um = v("wire_res");
  s.wire_um_per_fanout = v("wire_length_per_fanout");
  s.leak_pw_per_ge = v("leakage_per_nand2");
  s.dff_clk_to_q_fo4 = v("dff_clk_to_q");
  s.dff_setup_fo4 = v("dff_setup");
  s.dff_hold_fo4 = v("dff_hold");
  s.dff_clock_energy_units = v("dff_clock_energy");
}

void read_model(const Reader& r, const YAML::Node& n, LibertySpec& s) {
  r.expect_map(n, "model");
  r.check_keys(n, "model",
               {"p_inv", "slew_per_effort", "delay_per_input_slew", "slew_per_input_slew",
                "short_circuit", "slew_index_ps", "load_index", "max_fanout_load"});
  s.p_inv = r.positive(r.require(n, "model", "p_inv"), "model.p_inv");
  s.k_tr = r.positive(r.require(n, "model", "slew_per_effort"), "model.slew_per_effort");
  s.k_ds = r.number(r.require(n, "model", "delay_per_input_slew"), "model.delay_per_input_slew");
  const YAML::Node kss = r.require(n, "model", "slew_per_input_slew");
  s.k_ss = r.number(kss, "model.slew_per_input_slew");
  if (s.k_ds < 0 || s.k_ds >= 1)
    r.fail(Code::SpecValue, n["delay_per_input_slew"], "model.delay_per_input_slew", "out of range",
           "0 <= value < 1");
  if (s.k_ss < 0 || s.k_ss >= 1)
    r.fail(Code::SpecValue, kss, "model.slew_per_input_slew",
           "out of range (an FO4 chain would not settle)", "0 <= value < 1");
  s.short_circuit = r.number(r.require(n, "model", "short_circuit"), "model.short_circuit");
  s.slew_index_ps = r.increasing(r.require(n, "model", "slew_index_ps"), "model.slew_index_ps", 2);
  s.load_index = r.increasing(r.require(n, "model", "load_index"), "model.load_index", 2);
  s.max_fanout_load = r.positive(r.require(n, "model", "max_fanout_load"), "model.max_fanout_load");
}

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum((unsigned char)c) || c == '_'; });
}

// Checks a Liberty boolean function: only ! & | ^ ( ) 0 1, spaces and input pin names, every
// input used, parentheses balanced.
void check_function(const Reader& r, const YAML::Node& n, const std::string& key,
                    const std::string& f, const std::vector<InputPin>& inputs) {
  std::set<std::string> names, used;
  for (const auto& p : inputs) names.insert(p.name);
  int depth = 0;
  for (size_t i = 0; i < f.size();) {
    const char c = f[i];
    if (std::isalpha((unsigned char)c) || c == '_') {
      size_t j = i;
      while (j < f.size() && (std::isalnum((unsigned char)f[j]) || f[j] == '_')) ++j;
      const std::string id = f.substr(i, j - i);
      if (!names.count(id))
        r.fail(Code::SpecValue, n, key, "function uses '" + id + "', which is not an input");
      used.insert(id);
      i = j;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) break;
    if (!std::strchr("!&|^()01 ", c))
      r.fail(Code::SpecValue, n, key, std::string("unexpected character '") + c + "' in function",
             "pin names, ! & | ^ ( ) 0 1");
    ++i;
  }
  if (depth != 0) r.fail(Code::SpecValue, n, key, "unbalanced parentheses in function");
  for (const auto& nm : names)
    if (!used.count(nm)) r.fail(Code::SpecValue, n, key, "input '" + nm + "' is not used");
}

CellKind read_kind(const Reader& r, const YAML::Node& cell, const std::string& key) {
  const YAML::Node k = cell["kind"];
  if (!k) return CellKind::Comb;
  const std::string s = r.text(k, key + ".kind");
  if (s == "comb") return CellKind::Comb;
  if (s == "dff") return CellKind::Dff;
  if (s == "dffr") return CellKind::DffR;
  if (s == "tiehi") return CellKind::TieHi;
  if (s == "tielo") return CellKind::TieLo;
  r.fail(Code::SpecValue, k, key + ".kind", "unknown cell kind '" + s + "'",
         "comb, dff, dffr, tiehi, tielo");
}

void check_pins(const Reader& r, const YAML::Node& n, const std::string& key, CellKind kind,
                const std::vector<InputPin>& inputs) {
  std::vector<std::string> want;
  if (kind == CellKind::Dff) want = {"D", "CK"};
  if (kind == CellKind::DffR) want = {"D", "CK", "RN"};
  if (kind == CellKind::TieHi || kind == CellKind::TieLo) want = {};
  if (kind == CellKind::Comb) {
    if (inputs.empty()) r.fail(Code::SpecValue, n, key, "a combinational cell needs inputs");
    return;
  }
  std::vector<std::string> got;
  for (const auto& p : inputs) got.push_back(p.name);
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  if (got != want) {
    std::string list;
    for (const auto& w : want) list += (list.empty() ? "" : ", ") + w;
    r.fail(Code::SpecValue, n, key, "wrong input pins for this kind of cell",
           list.empty() ? "no inputs" : list);
  }
}

CellSpec read_cell(const Reader& r, const YAML::Node& n, size_t index, const LibertySpec& s) {
  const std::string key = "cells[" + std::to_string(index) + "]";
  r.expect_map(n, key);
  r.check_keys(n, key, {"name", "kind", "function", "inputs", "output", "p", "stages", "variants"});
  CellSpec c;
  const YAML::Node name = r.require(n, key, "name");
  c.name = r.text(name, key + ".name");
  if (!is_identifier(c.name)) r.fail(Code::SpecValue, name, key + ".name", "not an identifier");
  const std::string ck = "cells." + c.name;
  c.kind = read_kind(r, n, ck);
  c.output = r.text(r.require(n, ck, "output"), ck + ".output");
  if (const YAML::Node in = n["inputs"]) {
    r.expect_map(in, ck + ".inputs");
    for (const auto& kv : in) {
      InputPin p;
      p.name = kv.first.as<std::string>();
      if (!is_identifier(p.name) || p.name == c.output)
        r.fail(Code::SpecValue, kv.first, ck + ".inputs", "bad pin name '" + p.name + "'");
      p.g = r.positive(kv.second, ck + ".inputs." + p.name);
      c.inputs.push_back(p);
    }
  }
  check_pins(r, n, ck, c.kind, c.inputs);
  if (c.kind == CellKind::Comb) {
    const YAML::Node f = r.require(n, ck, "function");
    c.function = r.text(f, ck + ".function");
    check_function(r, f, ck + ".function", c.function, c.inputs);
  } else if (n["function"]) {
    r.fail(Code::SpecValue, n["function"], ck + ".function",
           "only combinational cells take a function (flops and ties are implied by kind)");
  }
  int stages = 1;
  if (const YAML::Node st = n["stages"]) {
    stages = int(r.number(st, ck + ".stages"));
    if (stages != 1 && stages != 2)
      r.fail(Code::SpecValue, st, ck + ".stages", "bad value", "1, 2");
  }
  const bool has_p = bool(n["p"]);
  const double cell_p = has_p ? r.positive(n["p"], ck + ".p") : 0;

  const YAML::Node vars = r.require(n, ck, "variants");
  if (!vars.IsSequence() || vars.size() == 0)
    r.fail(Code::SpecValue, vars, ck + ".variants", "expected a non-empty list");
  for (const auto& vn : vars) {
    const std::string vk = ck + ".variants";
    r.expect_map(vn, vk);
    r.check_keys(vn, vk, {"drive", "area", "cin", "p", "p_out"});
    CellVariant v;
    v.drive = r.positive(r.require(vn, vk, "drive"), vk + ".drive");
    v.area_ge = r.positive(r.require(vn, vk, "area"), vk + ".area");
    const double rounded = std::round(v.drive);
    if (std::fabs(rounded - v.drive) > 1e-9)
      r.fail(Code::SpecValue, vn["drive"], vk + ".drive", "drive must be a whole number");
    v.name = c.name + "_X" + std::to_string(int(rounded));
    if (stages == 2 && !(vn["cin"] && vn["p"]))
      r.fail(Code::SpecMissing, vn, vk, "a two-stage cell variant needs cin and p");
    v.cin = vn["cin"] ? r.positive(vn["cin"], vk + ".cin") : v.drive;
    if (vn["p"])
      v.p = r.positive(vn["p"], vk + ".p");
    else if (has_p)
      v.p = cell_p;
    else if (c.kind == CellKind::Comb)
      r.fail(Code::SpecMissing, vn, vk, "no parasitic delay p (give it on the cell or variant)");
    else
      v.p = s.p_inv;
    v.p_out = vn["p_out"] ? r.positive(vn["p_out"], vk + ".p_out") : (stages == 2 ? s.p_inv : v.p);
    v.p_energy = v.p;
    for (const auto& other : c.variants)
      if (other.name == v.name) r.fail(Code::SpecValue, vn, vk, "two variants named " + v.name);
    c.variants.push_back(v);
  }
  return c;
}

// Flops: clk->q follows the model's arithmetic like any arc, with a parasitic chosen so that
// the FO4-loaded, FO4-slewed clk->q equals the dff_clk_to_q anchor.
void derive_flop_parasitics(LibertySpec& s) {
  const double tau = s.tau_ps();
  const double tcq = s.dff_clk_to_q_fo4 * s.fo4_ps;
  for (auto& c : s.cells) {
    if (c.kind != CellKind::Dff && c.kind != CellKind::DffR) continue;
    for (auto& v : c.variants) {
      v.p = (tcq - s.k_ds * s.fo4_slew_ps()) / tau - 4.0 / v.drive;
      v.p_out = s.p_inv;
      if (v.p <= 0)
        throw FlowError(Code::SpecValue, s.spec_name + ": anchors.dff_clk_to_q",
                        "clk->q is too short for the FO4 model (derived parasitic <= 0)",
                        "dff_clk_to_q > ~1.5 FO4");
    }
  }
}

void read_cells(const Reader& r, const YAML::Node& n, LibertySpec& s) {
  if (!n.IsSequence() || n.size() == 0)
    r.fail(Code::SpecValue, n, "cells", "expected a non-empty list of cells");
  std::set<std::string> names;
  size_t i = 0;
  for (const auto& cn : n) {
    CellSpec c = read_cell(r, cn, i++, s);
    if (!names.insert(c.name).second)
      r.fail(Code::SpecValue, cn, "cells." + c.name, "cell defined twice");
    s.cells.push_back(std::move(c));
  }
  // The FO4 anchor is defined on INV_X1, the flow needs a buffer and flops.
  for (const char* must : {"INV_X1", "BUF_X1", "DFF_X1"})
    if (!s.find_variant(must))
      r.fail(Code::SpecMissing, n, "cells", std::string("the library needs ") + must);
  derive_flop_parasitics(s);
}

void read_sram(const Reader& r, const YAML::Node& n, LibertySpec& s) {
  r.expect_map(n, "sram");
  r.check_keys(n, "sram", as_set(kSramKeys));
  for (const auto& k : kSramKeys) {
    const YAML::Node a = r.require(n, "sram", k);
    Anchor an = read_anchor(r, a, "sram." + k);
    if (an.value <= 0)
      r.fail(Code::SpecValue, a["value"], "sram." + k + ".value", "must be positive", "> 0");
    s.sram.params[k] = an;
  }
  if (s.sram.get("array_efficiency") > 1)
    r.fail(Code::SpecValue, n["array_efficiency"], "sram.array_efficiency", "must be <= 1");
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

double SramParams::get(const std::string& key) const {
  const auto it = params.find(key);
  if (it == params.end()) throw std::logic_error("SRAM parameter missing: " + key);
  return it->second.value;
}

double LibertySpec::tau_ps() const {
  // FO4 steady state: s = k_tr*tau*(4+p_inv) + k_ss*s, d = tau*(4+p_inv) + k_ds*s.
  return fo4_ps / ((4.0 + p_inv) * (1.0 + k_ds * k_tr / (1.0 - k_ss)));
}

double LibertySpec::fo4_slew_ps() const {
  return k_tr * tau_ps() * (4.0 + p_inv) / (1.0 - k_ss);
}

const CellVariant* LibertySpec::find_variant(const std::string& name) const {
  for (const auto& c : cells)
    for (const auto& v : c.variants)
      if (v.name == name) return &v;
  return nullptr;
}

const CellSpec* LibertySpec::find_cell_of(const std::string& name) const {
  for (const auto& c : cells)
    for (const auto& v : c.variants)
      if (v.name == name) return &c;
  return nullptr;
}

std::string default_process_spec_path() {
  return std::string(ZASGEN_SOURCE_ROOT) + "/flow/spec/process55.yaml";
}

LibertySpec load_process_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FlowError(Code::SpecUnreadable, path, "cannot read the process spec");
  std::stringstream buf;
  buf << in.rdbuf();

  Reader r{path};
  YAML::Node root;
  try {
    root = YAML::Load(buf.str());
  } catch (const YAML::ParserException& e) {
    throw FlowError(
        Code::SpecSyntax,
        path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
        "YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw FlowError(Code::SpecValue, path, "the spec must be a YAML mapping");

  LibertySpec s;
  s.spec_name = base_name(path);
  r.check_keys(root, "", {"name", "anchors", "model", "cells", "sram"});
  const YAML::Node name = r.require(root, "", "name");
  s.name = r.text(name, "name");
  if (!is_identifier(s.name)) r.fail(Code::SpecValue, name, "name", "not an identifier");
  read_anchors(r, r.require(root, "", "anchors"), s);
  read_model(r, r.require(root, "", "model"), s);
  read_cells(r, r.require(root, "", "cells"), s);
  read_sram(r, r.require(root, "", "sram"), s);
  return s;
}

}  // namespace zasgen::flow
