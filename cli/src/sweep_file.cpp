#include "zasgen/app/sweep_file.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sweep_yaml.h"
#include "zasgen/config.h"
#include "zasgen/model/network.h"
#include "zasgen/schema.h"
#include "zasgen/sim/tool.h"
#include "zasgen/util.h"

namespace zasgen::app {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

const char* to_string(Measure m) {
  switch (m) {
    case Measure::Model:
      return "model";
    case Measure::Sim:
      return "sim";
    case Measure::Area:
      return "area";
    case Measure::Ppa:
      return "ppa";
  }
  return "?";
}

std::string Axis::label() const {
  std::string s;
  for (const std::string& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

bool SweepSpec::measures(Measure m) const {
  return std::find(measure.begin(), measure.end(), m) != measure.end();
}

std::vector<std::string> SweepSpec::axis_keys() const {
  std::vector<std::string> keys;
  for (const Axis& a : axes) keys.insert(keys.end(), a.keys.begin(), a.keys.end());
  return keys;
}

ojson Workload::identity() const {
  ojson j;
  j["layer"] = layer;
  j["sparsity"] = sparsity;
  j["pattern"] = pattern;
  j["seed"] = seed;
  j["inputs"] = inputs_hash;
  return j;
}

ojson Workload::to_json() const {
  ojson j;
  j["label"] = label;
  j["layer"] = layer;
  j["sparsity"] = sparsity < 0 ? ojson(nullptr) : ojson(sparsity);
  j["pattern"] = pattern;
  j["seed"] = seed;
  if (!ifmap.empty()) j["ifmap"] = ifmap;
  if (!weights.empty()) j["weights"] = weights;
  if (!bias.empty()) j["bias"] = bias;
  if (!inputs_hash.empty()) j["inputs_hash"] = inputs_hash;
  return j;
}

Workload Workload::from_json(const nlohmann::json& j) {
  Workload w;
  w.label = j.value("label", "");
  w.layer = j.value("layer", "");
  w.sparsity =
      j.contains("sparsity") && j["sparsity"].is_number() ? j["sparsity"].get<double>() : -1.0;
  w.pattern = j.value("pattern", "uniform");
  w.seed = j.value("seed", uint64_t(1));
  w.ifmap = j.value("ifmap", "");
  w.weights = j.value("weights", "");
  w.bias = j.value("bias", "");
  w.inputs_hash = j.value("inputs_hash", "");
  return w;
}

namespace {

const char* const kTopKeys[] = {"base",        "description", "axes",
                                "constraints", "workloads",   "measure"};
const char* const kWorkloadKeys[] = {"layer", "name",  "sparsity", "pattern",
                                     "seed",  "ifmap", "weights",  "bias"};

std::vector<std::string> leaf_keys() {
  std::vector<std::string> keys;
  for (const ParamSpec& p : config_schema())
    if (p.type != ParamType::Section) keys.push_back(p.path);
  return keys;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool read_file(const std::string& path, std::string& text, std::string& why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    why = "it is a directory";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = errno ? std::strerror(errno) : "cannot open";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return true;
}

std::string kind_of(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "'" + n.Scalar() + "'";
}

// Shortest text of a number computed for a range: integers without a point, fractions rounded
// to 12 significant digits (0.1 + 0.2 reads 0.3).
std::string number_text(double v, bool integral) {
  if (integral) return fmt::format("{}", (long long)std::llround(v));
  const double r = std::stod(fmt::format("{:.12g}", v));
  return fmt::format("{}", r);
}

class SweepParser {
 public:
  SweepParser(const std::string& file, Diagnostics& diags) : file_(file), d_(diags) {}

  std::optional<SweepSpec> parse(const std::string& text) {
    d_.attach_source(file_, text);
    spec_.file = file_;
    spec_.stem = fs::path(file_).stem().string();
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
      d_.error(DiagCode::YamlSyntax, sweep_yaml::loc(file_, e.mark), "", e.msg);
      return std::nullopt;
    }
    if (docs.empty() || docs[0].IsNull()) {
      d_.error(DiagCode::SweepMissingKey, {file_, 0, 0}, "", "base", "'base: configs/tiny.yaml'");
      return std::nullopt;
    }
    if (docs.size() > 1) {
      d_.error(DiagCode::MultipleDocuments, loc(docs[1]), "");
      return std::nullopt;
    }
    const YAML::Node root = docs[0];
    if (!root.IsMap()) {
      d_.error(DiagCode::NotAMapping, loc(root), "", kind_of(root), join(top_keys()));
      return std::nullopt;
    }
    std::map<std::string, int> seen;
    YAML::Node axes, constraints, workloads, measure;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node k = it->first, v = it->second;
      const std::string key = k.IsScalar() ? k.Scalar() : kind_of(k);
      if (!seen.emplace(key, loc(k).line).second) {
        d_.error(DiagCode::DuplicateKey, loc(k), key, key, seen[key]);
        continue;
      }
      if (key == "base") {
        spec_.base_loc = value_loc(k, v);
        if (scalar(v, key, "a file name", "configs/tiny.yaml")) spec_.base = v.Scalar();
      } else if (key == "description") {
        if (scalar(v, key, "text", "a sentence")) spec_.description = v.Scalar();
      } else if (key == "axes") {
        axes = v;
        axes_loc_ = value_loc(k, v);
      } else if (key == "constraints") {
        constraints = v;
      } else if (key == "workloads") {
        workloads = v;
      } else if (key == "measure") {
        measure = v;
        has_measure_ = true;
        measure_loc_ = value_loc(k, v);
      } else {
        unknown_key(k, key, "", top_keys());
      }
    }
    if (!seen.count("base"))
      d_.error(DiagCode::SweepMissingKey, {file_, 1, 1}, "", "base", "'base: configs/tiny.yaml'");
    else if (!spec_.base.empty())
      read_base();
    if (axes.IsDefined() && !axes.IsNull()) parse_axes(axes);
    if (constraints.IsDefined() && !constraints.IsNull()) parse_constraints(constraints);
    if (workloads.IsDefined() && !workloads.IsNull()) parse_workloads(workloads);
    parse_measure(measure);
    check_size();
    d_.sort_by_location();
    if (!d_.empty()) return std::nullopt;
    return std::move(spec_);
  }

 private:
  static std::vector<std::string> top_keys() { return {std::begin(kTopKeys), std::end(kTopKeys)}; }

  SourceLoc loc(const YAML::Node& n) const { return sweep_yaml::loc(file_, n.Mark()); }
  SourceLoc value_loc(const YAML::Node& k, const YAML::Node& v) const {
    return v.IsNull() ? loc(k) : loc(v);
  }

  void unknown_key(const YAML::Node& k, const std::string& key, const std::string& section,
                   const std::vector<std::string>& accepted) {
    const std::string path = section.empty() ? key : section + "." + key;
    const std::string hint = closest_name(key, accepted);
    if (!hint.empty())
      d_.error(DiagCode::UnknownKey, loc(k), path, hint);
    else
      d_.error(DiagCode::UnknownKeyNoMatch, loc(k), path, join(accepted));
  }

  bool scalar(const YAML::Node& v, const std::string& path, const char* noun, const char* example) {
    if (v.IsScalar() && !v.Scalar().empty()) return true;
    d_.error(DiagCode::NotAScalar, loc(v), path, noun, v.IsNull() ? "empty value" : kind_of(v),
             example);
    return false;
  }

  // ---- base ----
  void read_base() {
    std::string why;
    if (!read_file(spec_.base, spec_.base_text, why)) {
      d_.error(DiagCode::SweepBaseUnreadable, spec_.base_loc, "base", spec_.base, why);
      return;
    }
    // The points are the base with overrides: its YAML must read as a mapping. Everything else
    // wrong with it is a point's problem, reported per point.
    const ParseResult pr = parse_config_text(spec_.base_text, spec_.base);
    bool fatal = false;
    for (const Diagnostic& d : pr.diags)
      if (d.code == DiagCode::YamlSyntax || d.code == DiagCode::UnclosedBracket ||
          d.code == DiagCode::TabIndent || d.code == DiagCode::MultipleDocuments ||
          d.code == DiagCode::TopNotMapping)
        fatal = true;
    if (fatal) {
      d_.append(pr.diags);
      return;
    }
    base_ = YAML::Load(spec_.base_text);
    base_ok_ = true;
  }

  // ---- axes ----
  void parse_axes(const YAML::Node& axes) {
    if (!axes.IsMap()) {
      d_.error(DiagCode::NotAMapping, axes_loc_, "axes", kind_of(axes),
               "configuration keys, e.g. arch.pes: [4, 8]");
      return;
    }
    std::map<std::string, int> moved;  // key -> line of its axis
    std::set<std::string> seen;
    for (auto it = axes.begin(); it != axes.end(); ++it) {
      const YAML::Node k = it->first, v = it->second;
      if (!k.IsScalar()) {
        d_.error(DiagCode::BadKey, loc(k), "axes", kind_of(k));
        continue;
      }
      if (!seen.insert(k.Scalar()).second) {
        d_.error(DiagCode::DuplicateKey, loc(k), "axes." + k.Scalar(), k.Scalar(),
                 moved.count(k.Scalar()) ? moved[k.Scalar()] : loc(k).line);
        continue;
      }
      Axis a;
      a.loc = loc(k);
      bool keys_ok = true;
      std::stringstream ss(k.Scalar());
      std::string part;
      while (std::getline(ss, part, ',')) {
        const auto b = part.find_first_not_of(' '), e = part.find_last_not_of(' ');
        part = b == std::string::npos ? "" : part.substr(b, e - b + 1);
        const ParamSpec* spec = find_param(part);
        if (!spec || spec->type == ParamType::Section) {
          d_.error(DiagCode::AxisNotAKey, a.loc, "axes", part, closest_name(part, leaf_keys()));
          keys_ok = false;
          continue;
        }
        const auto [prev, fresh] = moved.emplace(part, a.loc.line);
        if (!fresh) {
          d_.error(DiagCode::AxisKeyTwice, a.loc, "axes", part, prev->second);
          keys_ok = false;
        }
        a.keys.push_back(part);
      }
      if (!keys_ok) continue;
      const std::string path = "axes." + k.Scalar();
      if (a.keys.size() == 1)
        single_axis(a, k, v, path);
      else
        zipped_axis(a, k, v, path);
      if (!a.steps.empty()) spec_.axes.push_back(std::move(a));
    }
  }

  bool grid_value(const YAML::Node& n, const std::string& path, GridValue& out) {
    if (n.IsMap()) {
      d_.error(DiagCode::NotAScalar, loc(n), path, "a value or a list of values", "mapping",
               "e.g. 4, coord or [1, 2]");
      return false;
    }
    out.loc = loc(n);
    out.json = sweep_yaml::to_json(n);
    out.quoted = sweep_yaml::quoted(n);
    if (n.IsScalar()) out.text = n.Scalar();
    if (n.IsSequence())
      for (const YAML::Node& item : n)
        if (!item.IsScalar()) {
          d_.error(DiagCode::NotAScalar, loc(item), path, "a value", kind_of(item), "a number");
          return false;
        }
    return true;
  }

  void single_axis(Axis& a, const YAML::Node& k, const YAML::Node& v, const std::string& path) {
    if (v.IsNull()) {
      d_.error(DiagCode::AxisEmpty, loc(k), path, "...");
      return;
    }
    if (v.IsMap()) {
      range_axis(a, v, path);
      return;
    }
    if (v.IsScalar()) {  // one value: a plain override
      GridValue g;
      if (grid_value(v, path, g)) a.steps.push_back({g});
      return;
    }
    if (v.size() == 0) {
      d_.error(DiagCode::AxisEmpty, loc(v), path, "...");
      return;
    }
    for (const YAML::Node& item : v) {
      GridValue g;
      if (grid_value(item, path, g)) a.steps.push_back({g});
    }
  }

  void zipped_axis(Axis& a, const YAML::Node& k, const YAML::Node& v, const std::string& path) {
    const std::string example =
        fmt::format("{}", fmt::join(std::vector<std::string>(a.keys.size(), "..."), ", "));
    if (v.IsNull() || (v.IsSequence() && v.size() == 0)) {
      d_.error(DiagCode::AxisEmpty, loc(v.IsNull() ? k : v), path, "[" + example + "]");
      return;
    }
    if (!v.IsSequence()) {
      d_.error(DiagCode::NotAList, loc(v), path, kind_of(v), "[" + example + "], ...");
      return;
    }
    for (const YAML::Node& step : v) {
      if (!step.IsSequence() || step.size() != a.keys.size()) {
        d_.error(DiagCode::ZipArity, loc(step), path, step.IsSequence() ? step.size() : 1,
                 a.keys.size(), example);
        continue;
      }
      std::vector<GridValue> values;
      bool ok = true;
      for (const YAML::Node& item : step) {
        GridValue g;
        ok = grid_value(item, path, g) && ok;
        values.push_back(g);
      }
      if (ok) a.steps.push_back(values);
    }
  }

  void range_axis(Axis& a, const YAML::Node& v, const std::string& path) {
    std::optional<double> from, to, step, times;
    bool integral = true, ok = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      std::optional<double>* slot = key == "from"    ? &from
                                    : key == "to"    ? &to
                                    : key == "step"  ? &step
                                    : key == "times" ? &times
                                                     : nullptr;
      if (!slot) {
        unknown_key(it->first, key, path, {"from", "to", "step", "times"});
        ok = false;
        continue;
      }
      const ojson j = sweep_yaml::to_json(it->second);
      if (!j.is_number() || sweep_yaml::quoted(it->second)) {
        d_.error(DiagCode::NotAScalar, loc(it->second), path + "." + key, "a number",
                 kind_of(it->second), "e.g. 4");
        ok = false;
        continue;
      }
      *slot = j.get<double>();
      if (!j.is_number_integer()) integral = false;
    }
    if (!ok) return;
    const SourceLoc at = loc(v);
    auto bad = [&](const std::string& why) { d_.error(DiagCode::BadRange, at, path, why); };
    if (!from || !to || (!step == !times))
      return bad("a range needs from, to and one of step or times");
    if (step && (*step == 0 || (*to - *from) / *step < 0))
      return bad(fmt::format("step {} never goes from {} to {}", *step, *from, *to));
    if (times && (*times <= 1 || *from <= 0 || *to < *from))
      return bad(
          fmt::format("times {} never goes from {} up to {} (needs times > 1 and "
                      "0 < from <= to)",
                      *times, *from, *to));
    const double eps = 1e-9 * std::max({1.0, std::fabs(*from), std::fabs(*to)});
    double x = *from;
    for (long long i = 0;; ++i) {
      if (step) x = *from + double(i) * *step;
      if (step ? (*step > 0 ? x > *to + eps : x < *to - eps) : x > *to * (1 + 1e-9)) break;
      if (i >= kMaxSweepPoints) return bad(fmt::format("more than {} values", kMaxSweepPoints));
      GridValue g;
      g.loc = at;
      g.text = number_text(x, integral);
      g.json = integral ? ojson((long long)std::llround(x)) : ojson(std::stod(g.text));
      a.steps.push_back({g});
      if (times) x *= *times;
    }
  }

  // ---- constraints ----
  void parse_constraints(const YAML::Node& c) {
    const std::vector<YAML::Node> items =
        c.IsSequence() ? std::vector<YAML::Node>(c.begin(), c.end()) : std::vector<YAML::Node>{c};
    const std::vector<std::string> axis_keys = spec_.axis_keys();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const YAML::Node& n = items[i];
      const std::string path = fmt::format("constraints[{}]", i + 1);
      if (!n.IsScalar()) {
        d_.error(DiagCode::NotAScalar, loc(n), path, "an expression", kind_of(n),
                 "e.g. \"arch.pes >= 4\"");
        continue;
      }
      Constraint ct;
      ct.text = n.Scalar();
      ct.loc = loc(n);
      const int shift = sweep_yaml::quoted(n) ? 1 : 0;  // past the opening quote
      auto at = [&](int offset) {
        SourceLoc l = ct.loc;
        if (l.col > 0) l.col += shift + offset;
        return l;
      };
      Expr::Problem p;
      std::optional<Expr> e = Expr::parse(ct.text, &p);
      if (!e) {
        Diagnostic d{p.code, at(p.offset), path, p.args};
        d_.add(d);
        continue;
      }
      bool ok = true;
      for (const Expr::KeyRef& r : e->keys()) {
        const bool on_axis =
            std::find(axis_keys.begin(), axis_keys.end(), r.key) != axis_keys.end();
        if (on_axis || (base_ok_ && sweep_yaml::find(base_, r.key).IsDefined())) continue;
        if (!base_ok_) continue;  // the base's own problem is reported
        std::vector<std::string> known = axis_keys;
        d_.error(DiagCode::ConstraintUnknownKey, at(r.offset), path, r.key,
                 closest_name(r.key, known));
        ok = false;
      }
      if (!ok) continue;
      ct.expr = std::move(*e);
      spec_.constraints.push_back(std::move(ct));
    }
  }

  // ---- workloads ----
  void parse_workloads(const YAML::Node& w) {
    if (!w.IsSequence()) {
      d_.error(DiagCode::NotAList, loc(w), "workloads", kind_of(w),
               "{layer: \"c=8,k=8,h=16,w=16\", sparsity: 0.7}");
      return;
    }
    std::set<std::string> labels;
    int entry = 0;
    for (const YAML::Node& item : w) {
      ++entry;
      const std::string path = fmt::format("workloads[{}]", entry);
      std::vector<Workload> made = workload(item, path, entry);
      for (Workload& x : made) {
        std::string label = x.label;
        for (int n = 2; !labels.insert(label).second; ++n) label = fmt::format("{}_{}", x.label, n);
        x.label = label;
        spec_.workloads.push_back(std::move(x));
      }
    }
  }

  std::vector<Workload> workload(const YAML::Node& item, const std::string& path, int entry) {
    Workload w;
    w.loc = loc(item);
    w.entry = entry - 1;
    std::string name, layer;
    std::vector<double> sparsities;
    SourceLoc layer_loc = w.loc, sparsity_loc = w.loc;
    bool ok = true;
    if (item.IsScalar()) {
      layer = item.Scalar();
    } else if (item.IsMap()) {
      std::set<std::string> seen;
      for (auto it = item.begin(); it != item.end(); ++it) {
        const YAML::Node k = it->first, v = it->second;
        const std::string key = k.IsScalar() ? k.Scalar() : "?";
        const std::string kp = path + "." + key;
        if (!seen.insert(key).second) {
          d_.error(DiagCode::DuplicateKey, loc(k), kp, key, loc(item).line);
          ok = false;
          continue;
        }
        const ojson j = sweep_yaml::to_json(v);
        if (key == "layer" || key == "name" || key == "ifmap" || key == "weights" ||
            key == "bias") {
          if (!scalar(v, kp, "text",
                      key == "layer" ? "c=8,k=8,h=16,w=16 or vgg16:conv3_2" : "a name")) {
            ok = false;
            continue;
          }
          if (key == "layer") {
            layer = v.Scalar();
            layer_loc = loc(v);
          } else if (key == "name") {
            name = v.Scalar();
          } else {
            (key == "ifmap" ? w.ifmap : key == "weights" ? w.weights : w.bias) = v.Scalar();
            ok = read_input(v.Scalar(), loc(v), kp, w) && ok;
          }
        } else if (key == "sparsity") {
          sparsity_loc = loc(v);
          const std::vector<YAML::Node> vals = v.IsSequence()
                                                   ? std::vector<YAML::Node>(v.begin(), v.end())
                                                   : std::vector<YAML::Node>{v};
          if (vals.empty()) {
            d_.error(DiagCode::AxisEmpty, loc(v), kp, "0.5, 0.9");
            ok = false;
          }
          for (const YAML::Node& s : vals) {
            const ojson sj = sweep_yaml::to_json(s);
            if (!sj.is_number() || sweep_yaml::quoted(s)) {
              d_.error(DiagCode::NotAScalar, loc(s), kp, "a number", kind_of(s), "0 .. 1");
              ok = false;
            } else if (!(sj.get<double>() >= 0 && sj.get<double>() <= 1)) {
              d_.error(DiagCode::OutOfRange, loc(s), kp, s.Scalar(), "0 .. 1");
              ok = false;
            } else {
              sparsities.push_back(sj.get<double>());
            }
          }
        } else if (key == "pattern") {
          if (!scalar(v, kp, "a name", "uniform")) {
            ok = false;
          } else if (v.Scalar() != "uniform" && v.Scalar() != "clustered") {
            d_.error(DiagCode::BadEnum, loc(v), kp, v.Scalar(), "uniform | clustered",
                     closest_name(v.Scalar(), {"uniform", "clustered"}));
            ok = false;
          } else {
            w.pattern = v.Scalar();
          }
        } else if (key == "seed") {
          if (!j.is_number_integer() || j.get<long long>() < 0 || sweep_yaml::quoted(v)) {
            d_.error(DiagCode::NotAScalar, loc(v), kp, "a non-negative integer",
                     v.IsScalar() ? "'" + v.Scalar() + "'" : kind_of(v), "e.g. 7");
            ok = false;
          } else {
            w.seed = j.get<uint64_t>();
          }
        } else {
          unknown_key(k, key, path, {std::begin(kWorkloadKeys), std::end(kWorkloadKeys)});
          ok = false;
        }
      }
    } else {
      d_.error(DiagCode::NotAMapping, loc(item), path, kind_of(item),
               join({std::begin(kWorkloadKeys), std::end(kWorkloadKeys)}));
      return {};
    }
    if (layer.empty()) {
      if (ok)
        d_.error(DiagCode::SweepMissingKey, w.loc, path, "layer",
                 "'layer: c=8,k=8,h=16,w=16' or 'layer: vgg16:conv3_2'");
      return {};
    }
    // The layers: a SPEC, one network layer, or a whole network (`vgg16`, `vgg16:all`).
    std::vector<model::ResolvedLayer> layers;
    try {
      const std::vector<std::string> nets = model::network_names();
      std::string net_ref = layer;
      if (std::find(nets.begin(), nets.end(), layer) != nets.end()) net_ref = layer + ":all";
      if (net_ref.size() > 4 && net_ref.compare(net_ref.size() - 4, 4, ":all") == 0) {
        for (const model::NamedLayer& nl : model::lookup_layers(net_ref))
          layers.push_back({nl.full_name(), nl.spec, nl.input_zero_fraction});
      } else {
        layers.push_back(model::resolve_layer(layer));
      }
    } catch (const model::ModelError& e) {
      d_.error(DiagCode::BadWorkloadLayer, layer_loc, path + ".layer", layer,
               e.where().empty() ? e.problem() : e.where() + ": " + e.problem(), e.accepted());
      return {};
    }
    const bool files = !w.ifmap.empty() || !w.weights.empty() || !w.bias.empty();
    if (!w.ifmap.empty() && !sparsities.empty()) {
      d_.error(DiagCode::WorkloadConflict, sparsity_loc, path + ".sparsity",
               "the sparsity of an ifmap is what the file holds: give one or the other");
      ok = false;
    }
    if (files && layers.size() > 1) {
      d_.error(DiagCode::WorkloadConflict, layer_loc, path + ".layer",
               ".npy inputs are for one layer, not a whole network");
      ok = false;
    }
    if (!ok) return {};
    if (sparsities.empty()) sparsities.push_back(-1);
    std::vector<Workload> out;
    for (const model::ResolvedLayer& rl : layers)
      for (double s : sparsities) {
        Workload x = w;
        x.layer = rl.name;
        x.sparsity = s;
        std::string label = !name.empty()            ? name
                            : rl.input_zero_fraction ? rl.name.substr(rl.name.find(':') + 1)
                                                     : fmt::format("w{}", entry);
        if (!name.empty() && layers.size() > 1)
          label += "_" + rl.name.substr(rl.name.find(':') + 1);
        if (sparsities.size() > 1) label += fmt::format("@{}", s);
        x.label = label;
        out.push_back(std::move(x));
      }
    return out;
  }

  bool read_input(const std::string& path, const SourceLoc& at, const std::string& key,
                  Workload& w) {
    std::string text, why;
    if (!read_file(path, text, why)) {
      d_.error(DiagCode::WorkloadInputUnreadable, at, key, path, why);
      return false;
    }
    w.inputs_hash += fmt::format("{}{:016x}", w.inputs_hash.empty() ? "" : "-",
                                 fnv1a(key.substr(key.rfind('.') + 1) + "\n" + text));
    return true;
  }

  // ---- measure ----
  void parse_measure(const YAML::Node& m) {
    if (!has_measure_ || m.IsNull() || (m.IsSequence() && m.size() == 0)) {
      d_.error(DiagCode::NoMeasure, has_measure_ ? measure_loc_ : SourceLoc{file_, 1, 1},
               "measure");
      return;
    }
    const std::vector<YAML::Node> items =
        m.IsSequence() ? std::vector<YAML::Node>(m.begin(), m.end()) : std::vector<YAML::Node>{m};
    std::set<Measure> got;
    const std::vector<std::string> names = {"model", "sim", "area", "ppa"};
    for (const YAML::Node& n : items) {
      if (!n.IsScalar()) {
        d_.error(DiagCode::NotAScalar, loc(n), "measure", "a name", kind_of(n),
                 "model, sim, area, ppa");
        continue;
      }
      const auto it = std::find(names.begin(), names.end(), n.Scalar());
      if (it == names.end()) {
        d_.error(DiagCode::BadEnum, loc(n), "measure", n.Scalar(), "model | sim | area | ppa",
                 closest_name(n.Scalar(), names));
        continue;
      }
      got.insert(Measure(it - names.begin()));
    }
    spec_.measure.assign(got.begin(), got.end());
    for (Measure x : {Measure::Sim, Measure::Model})
      if (got.count(x) && spec_.workloads.empty())
        d_.error(DiagCode::NoWorkloads, measure_loc_, "measure", to_string(x));
  }

  void check_size() {
    long long n = 1;
    for (const Axis& a : spec_.axes) {
      n *= (long long)a.steps.size();
      if (n > kMaxSweepPoints) {
        d_.error(DiagCode::TooManyPoints, axes_loc_, "axes", fmt::format("more than {}", n),
                 kMaxSweepPoints);
        return;
      }
    }
  }

  const std::string file_;
  Diagnostics& d_;
  SweepSpec spec_;
  YAML::Node base_;
  bool base_ok_ = false;
  bool has_measure_ = false;
  SourceLoc axes_loc_, measure_loc_;
};

}  // namespace

SweepParse parse_sweep_text(const std::string& text, const std::string& file) {
  SweepParse r;
  SweepParser p(file, r.diags);
  r.spec = p.parse(text);
  return r;
}

SweepParse parse_sweep_file(const std::string& path) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    SweepParse r;
    r.diags.error(DiagCode::SweepUnreadable, {path, 0, 0}, "", why);
    return r;
  }
  return parse_sweep_text(text, path);
}

}  // namespace zasgen::app
