#include "zasgen/app/sweep_plan.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sweep_yaml.h"
#include "zasgen/app/sweep_point.h"
#include "zasgen/config.h"
#include "zasgen/model/layer_spec.h"
#include "zasgen/model/network.h"
#include "zasgen/sim/tool.h"
#include "zasgen/util.h"

namespace zasgen::app {

using ojson = nlohmann::ordered_json;

std::string default_design_name(const SweepSpec& s) {
  return name_from_path(s.base);
}

namespace {

// The header of a point's config.yaml: what it is, from content only (it is hashed).
std::string config_header(const std::vector<std::pair<std::string, GridValue>>& overrides) {
  std::string h = "# A point of a zasgen sweep: the sweep's base configuration with";
  if (overrides.empty()) return h + " no override.\n";
  h += "\n";
  std::vector<std::string> lines;
  for (const auto& [k, v] : overrides)
    lines.push_back("#   " + k + ": " + sweep_yaml::value_yaml(v));
  std::sort(lines.begin(), lines.end());
  for (const std::string& l : lines) h += l + "\n";
  return h;
}

// Why a workload cannot run on a valid configuration ("" when it can): the checks of
// sim::make_case that need no tensor.
std::string unfit(const Workload& w, const ArchParams& p) {
  model::ResolvedLayer rl;
  try {
    rl = model::resolve_layer(w.layer);
  } catch (const model::ModelError& e) {
    return e.what();
  }
  std::string why;
  for (const model::FitIssue& i : model::check_layer_fits(rl.spec, p))
    why += (why.empty() ? "" : "; ") + i.message;
  const model::LayerSpec& l = rl.spec;
  if (why.empty() && l.pool && (l.out_h() < 2 || l.out_w() < 2))
    why =
        fmt::format("2x2 pooling needs an output of at least 2x2, not {}x{}", l.out_h(), l.out_w());
  return why;
}

}  // namespace

SweepPlan plan_sweep(const SweepSpec& s, const std::string& tool_version, Diagnostics& diags) {
  SweepPlan plan;
  plan.tool_version = tool_version;
  plan.dropped_by.assign(s.constraints.size(), 0);
  const YAML::Node base = s.base_text.empty() ? YAML::Node() : YAML::Load(s.base_text);
  const std::string design_name = default_design_name(s);

  ojson work;  // what every point's results depend on besides its configuration
  work["workloads"] = ojson::array();
  for (const Workload& w : s.workloads) work["workloads"].push_back(w.identity());
  work["measure"] = ojson::array();
  for (Measure m : s.measure) work["measure"].push_back(to_string(m));
  work["tool"] = tool_version;

  plan.grid = 1;
  for (const Axis& a : s.axes) plan.grid *= (long long)a.steps.size();
  std::vector<std::size_t> digit(s.axes.size(), 0);
  std::vector<bool> reported(s.constraints.size(), false);
  bool failed = false;
  for (long long g = 0; g < plan.grid; ++g) {
    if (g > 0)  // odometer: the last axis moves fastest
      for (std::size_t i = s.axes.size(); i-- > 0;) {
        if (++digit[i] < s.axes[i].steps.size()) break;
        digit[i] = 0;
      }
    PlannedPoint p;
    for (std::size_t i = 0; i < s.axes.size(); ++i) {
      const Axis& a = s.axes[i];
      for (std::size_t k = 0; k < a.keys.size(); ++k) {
        const GridValue& v = a.steps[digit[i]][k];
        p.params[a.keys[k]] = v.json;
        p.overrides.emplace_back(a.keys[k], v);
        if (a.steps.size() > 1)
          p.label += (p.label.empty() ? "" : " ") + a.keys[k] + "=" +
                     (v.json.is_string() ? v.json.get<std::string>() : v.json.dump());
      }
    }
    if (p.label.empty()) p.label = "(the base configuration)";
    bool keep = true;
    for (std::size_t c = 0; c < s.constraints.size() && keep; ++c) {
      const Constraint& ct = s.constraints[c];
      try {
        keep = ct.expr.holds([&](const std::string& key) {
          return p.params.contains(key) ? p.params[key]
                                        : sweep_yaml::to_json(sweep_yaml::find(base, key));
        });
      } catch (const Expr::Problem& e) {
        if (!reported[c]) {
          SourceLoc at = ct.loc;
          if (at.col > 0) at.col += e.offset;
          std::vector<std::string> args = e.args;
          args.push_back(p.label);
          diags.add({e.code, at, fmt::format("constraints[{}]", c + 1), args});
          reported[c] = true;
        }
        failed = true;
        keep = false;
      }
      if (!keep) ++plan.dropped_by[c];
    }
    if (!keep) continue;
    p.index = int(plan.points.size());
    p.config_text =
        config_header(p.overrides) + sweep_yaml::write_config(base, p.overrides, design_name);
    ojson key = work;
    key["config"] = p.config_text;
    p.hash = fmt::format("{:016x}", fnv1a(key.dump()));
    p.dir = "points/" + p.hash;
    const ValidateResult vr = [&] {
      const ParseResult pr = parse_config_text(p.config_text, p.dir + "/" + kPointConfig);
      if (!pr.ok()) return ValidateResult{std::nullopt, pr.diags};
      return validate(*pr.config);
    }();
    if (!vr.ok()) {
      p.diags = vr.diags;
      p.diags.attach_source(p.dir + "/" + kPointConfig, p.config_text);  // to quote the line
    } else {
      p.params_valid = vr.params;
      for (const Workload& w : s.workloads) {
        const std::string why = unfit(w, *vr.params);
        if (!why.empty())
          p.diags.error(DiagCode::WorkloadDoesNotFit, w.loc,
                        fmt::format("workloads[{}]", w.entry + 1), w.label, w.layer, why);
      }
    }
    plan.points.push_back(std::move(p));
  }
  if (failed) {
    plan.points.clear();
    return plan;
  }
  if (plan.points.empty() && plan.grid > 0)
    diags.error(DiagCode::NoPointsLeft,
                s.constraints.empty() ? SourceLoc{s.file, 0, 0} : s.constraints.front().loc,
                "constraints", plan.grid);
  return plan;
}

}  // namespace zasgen::app
