#include "zasgen/app/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sweep_util.h"
#include "zasgen/app/report.h"
#include "zasgen/app/sweep_point.h"
#include "zasgen/fs_util.h"

namespace zasgen::app {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Keys of a point's result.json that are not results (how and where it ran).
const std::set<std::string> kRunKeys = {"id",  "status",      "exit_status", "seconds",
                                        "run", "diagnostics", "error"};

// The figures a point can have, in report order: key, heading, unit scale and format.
struct Figure {
  const char* key;
  const char* heading;
  double scale;
  const char* fmt;
};
const Figure kFigures[] = {
    {"speedup", "speedup", 1, "{:.3f}"},        {"cycles", "cycles", 1, "{:.0f}"},
    {"area_um2", "area (mm²)", 1e-6, "{:.4f}"}, {"fmax_mhz", "fmax (MHz)", 1, "{:.1f}"},
    {"power_mw", "power (mW)", 1, "{:.2f}"},    {"energy_uj", "energy (µJ)", 1, "{:.3f}"},
    {"tops_per_w", "TOPS/W", 1, "{:.2f}"},
};

// The Pareto fronts: a cost to minimise against a figure to maximise (or, for cycles, to
// minimise too). Speedup over the dense twin is relative to a twin of the same size; cycles
// are the absolute performance, which is what a larger array buys.
struct Front {
  const char* name;  // key under "pareto" in sweep.json
  const char* cost;
  const char* gain;
  bool higher_better;  // of the gain
  const char* title;
  const char* meaning;
  const char* xlabel;
  double xscale;
  const char* ylabel;
  const char* mark;  // in the report's tables
};
const Front kFronts[] = {
    {"area_speedup", "area_um2", "speedup", true, "Area vs speedup",
     "the smallest area for its speedup over its dense twin", "area (mm^2, 55-nm-like estimate)",
     1e-6, "speedup over the dense twin (x)", "area"},
    {"energy_speedup", "energy_uj", "speedup", true, "Energy vs speedup",
     "the lowest energy of the first workload for its speedup", "energy of the first workload (uJ)",
     1, "speedup over the dense twin (x)", "energy"},
    {"area_cycles", "area_um2", "cycles", false, "Area vs cycles",
     "the smallest area for its cycles on the workloads: absolute performance, which a speedup "
     "over a twin of the same size does not show",
     "area (mm^2, 55-nm-like estimate)", 1e-6, "cycles of all the workloads (fewer is faster)",
     "cycles"},
};

double figure(const ojson& point, const char* key) {
  return point.contains(key) ? central(point[key]) : kNaN;
}

std::string value_text(const ojson& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// A point's parameters without the one-value axes (plain overrides, the same at every point).
std::string params_text(const ojson& params, const std::set<std::string>& constant = {}) {
  std::string s;
  for (const auto& [k, v] : params.items())
    if (!constant.count(k)) s += (s.empty() ? "" : " ") + k + "=" + value_text(v);
  return s.empty() ? "(base)" : s;
}

std::set<std::string> constant_keys(const ojson& sweep) {
  std::set<std::string> keys;
  for (const ojson& a : sweep["axes"])
    if (a["values"].size() == 1)
      for (const auto& k : a["keys"]) keys.insert(k.get<std::string>());
  return keys;
}

std::string md_cell(std::string s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

std::string fig_text(const Figure& f, double v) {
  if (!std::isfinite(v)) return "-";
  std::string s = fmt::format(fmt::runtime(f.fmt), v * f.scale);
  if (s.find_first_of(".e") == std::string::npos)  // a count: 1,234,567
    for (int i = int(s.size()) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3)
      s.insert(std::size_t(i), ",");
  return s;
}

std::string pct(double rel) {
  if (!std::isfinite(rel)) return "-";
  return fmt::format("{:+.1f}%", 100 * rel);
}

bool measured(const ojson& sweep, const char* m) {
  for (const auto& x : sweep["measure"])
    if (x == m) return true;
  return false;
}

// The figures some ok point has.
std::vector<Figure> present_figures(const ojson& sweep) {
  std::vector<Figure> out;
  for (const Figure& f : kFigures)
    for (const ojson& p : sweep["points"])
      if (p["status"] == "ok" && std::isfinite(figure(p, f.key))) {
        out.push_back(f);
        break;
      }
  return out;
}

}  // namespace

std::vector<bool> pareto_front(const std::vector<double>& cost, const std::vector<double>& gain) {
  const std::size_t n = std::min(cost.size(), gain.size());
  std::vector<bool> front(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(cost[i]) || !std::isfinite(gain[i])) continue;
    bool dominated = false;
    for (std::size_t j = 0; j < n && !dominated; ++j) {
      if (j == i || !std::isfinite(cost[j]) || !std::isfinite(gain[j])) continue;
      dominated =
          cost[j] <= cost[i] && gain[j] >= gain[i] && (cost[j] < cost[i] || gain[j] > gain[i]);
    }
    front[i] = !dominated;
  }
  return front;
}

ojson collect_sweep(const SweepSpec& s, const SweepPlan& plan, const std::string& sweep_dir) {
  ojson j;
  j["sweep"] = s.file;
  if (!s.description.empty()) j["description"] = s.description;
  j["base"] = s.base;
  j["tool_version"] = plan.tool_version;
  j["axes"] = ojson::array();
  for (const Axis& a : s.axes) {
    ojson ax;
    ax["keys"] = a.keys;
    ax["values"] = ojson::array();
    for (const auto& step : a.steps) {
      if (a.keys.size() == 1) {
        ax["values"].push_back(step[0].json);
      } else {
        ojson t = ojson::array();
        for (const GridValue& v : step) t.push_back(v.json);
        ax["values"].push_back(t);
      }
    }
    j["axes"].push_back(ax);
  }
  j["constraints"] = ojson::array();
  for (std::size_t i = 0; i < s.constraints.size(); ++i)
    j["constraints"].push_back({{"expr", s.constraints[i].text}, {"dropped", plan.dropped_by[i]}});
  j["workloads"] = ojson::array();
  for (const Workload& w : s.workloads) j["workloads"].push_back(w.to_json());
  j["measure"] = ojson::array();
  for (Measure m : s.measure) j["measure"].push_back(to_string(m));

  std::map<std::string, int> counts;
  ojson points = ojson::array();
  for (const PlannedPoint& p : plan.points) {
    const PointState st = read_point((fs::path(sweep_dir) / p.dir).string(), p.hash);
    ojson pt;
    pt["index"] = p.index;
    pt["id"] = p.hash;
    pt["dir"] = p.dir;
    pt["params"] = p.params;
    pt["status"] = to_string(st.status);
    ++counts[to_string(st.status)];
    if (st.result.is_object()) {
      for (const auto& [k, v] : st.result.items())
        if (!kRunKeys.count(k)) pt[k] = v;
      if (st.result.contains("diagnostics")) pt["diagnostics"] = st.result["diagnostics"];
      if (st.result.contains("error")) {
        pt["error"] = st.result["error"];
        pt["error"]["exit_status"] = st.result.value("exit_status", -1);
      }
    }
    if (st.status == PointStatus::Pending && !p.valid()) {  // no result written (yet)
      pt["status"] = "invalid";
      pt["diagnostics"] = ojson::parse(render_json(p.diags));
    }
    if (st.status == PointStatus::Failed || st.status == PointStatus::Pending)
      pt["log"] = p.dir + "/log.txt";
    points.push_back(pt);
  }

  // Pareto fronts over the ok points.
  ojson fronts = ojson::object();
  for (const Front& f : kFronts) {
    const char* name = f.name;
    std::vector<double> cost, gain;
    bool any = false;
    for (const ojson& pt : points) {
      const bool ok = pt["status"] == "ok";
      cost.push_back(ok ? figure(pt, f.cost) : kNaN);
      gain.push_back(ok ? (f.higher_better ? 1 : -1) * figure(pt, f.gain) : kNaN);
      any = any || (std::isfinite(cost.back()) && std::isfinite(gain.back()));
    }
    if (!any) continue;
    const std::vector<bool> front = pareto_front(cost, gain);
    ojson members = ojson::array();
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (!std::isfinite(cost[i]) || !std::isfinite(gain[i])) continue;
      points[i]["pareto"][name] = bool(front[i]);
      if (front[i]) members.push_back(points[i]["index"]);
    }
    fronts[name] = members;
  }

  ojson c;
  c["grid"] = plan.grid;
  c["dropped"] = plan.grid - (long long)plan.points.size();
  c["points"] = plan.points.size();
  for (const char* k : {"ok", "invalid", "failed", "pending"}) c[k] = counts[k];
  j["counts"] = c;
  j["pareto"] = fronts;
  j["points"] = points;
  return j;
}

std::string sweep_csv(const ojson& sweep) {
  auto field = [](const ojson& v) -> std::string {
    std::string s;
    if (v.is_null()) return "";
    if (v.is_string())
      s = v.get<std::string>();
    else if (v.is_object() && v.contains("central"))
      s = v["central"].dump();
    else
      s = v.dump();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::vector<std::string> keys;
  for (const ojson& a : sweep["axes"])
    for (const auto& k : a["keys"]) keys.push_back(k.get<std::string>());
  std::vector<std::string> labels;
  for (const ojson& w : sweep["workloads"]) labels.push_back(w["label"].get<std::string>());
  const char* const per_workload[] = {"cycles", "dense_cycles", "speedup", "mismatches"};
  // The point's figures that some point has, in a fixed order.
  std::vector<std::string> figures;
  bool banded = false;
  for (const char* f : {"cycles", "dense_cycles", "speedup", "mismatches", "model_speedup",
                        "area_um2", "logic_area_um2", "sram_area_um2", "fmax_mhz", "power_mw",
                        "energy_uj", "tops_per_w", "dense_area_um2", "area_overhead"}) {
    bool has = false;
    for (const ojson& p : sweep["points"])
      if (p.contains(f)) {
        has = true;
        banded = banded || (p[f].is_object() && p[f].contains("low"));
      }
    if (has) figures.push_back(f);
  }
  std::vector<std::string> fronts;
  for (const auto& [name, members] : sweep["pareto"].items()) fronts.push_back(name);

  std::string csv = "index,id,status";
  for (const std::string& k : keys) csv += "," + field(k);
  for (const std::string& l : labels)
    for (const char* f : per_workload) csv += "," + field(l + "." + f);
  for (const std::string& f : figures) {
    csv += "," + f;
    if (banded && (f == "energy_uj" || f == "tops_per_w")) csv += "," + f + "_low," + f + "_high";
  }
  for (const std::string& f : fronts) csv += ",pareto_" + f;
  csv += ",dir\n";
  for (const ojson& p : sweep["points"]) {
    csv += fmt::format("{},{},{}", p["index"].dump(), p["id"].get<std::string>(),
                       p["status"].get<std::string>());
    for (const std::string& k : keys) csv += "," + field(p["params"].value(k, ojson()));
    for (std::size_t i = 0; i < labels.size(); ++i)
      for (const char* f : per_workload) {
        const bool has = p.contains("results") && i < p["results"].size();
        csv += "," + (has ? field(p["results"][i].value(f, ojson())) : std::string());
      }
    for (const std::string& f : figures) {
      const ojson v = p.value(f, ojson());
      csv += "," + field(v);
      if (banded && (f == "energy_uj" || f == "tops_per_w"))
        csv += "," + (v.is_object() ? field(v.value("low", ojson())) : "") + "," +
               (v.is_object() ? field(v.value("high", ojson())) : "");
    }
    for (const std::string& f : fronts) {
      const bool has = p.contains("pareto") && p["pareto"].contains(f);
      csv += "," + (has ? std::string(p["pareto"][f].get<bool>() ? "1" : "0") : "");
    }
    csv += "," + field(p["dir"]) + "\n";
  }
  return csv;
}

ojson axis_effects(const ojson& sweep) {
  const std::vector<Figure> figs = present_figures(sweep);
  std::map<std::string, double> overall;
  for (const Figure& f : figs) {
    double sum = 0;
    int n = 0;
    for (const ojson& p : sweep["points"])
      if (p["status"] == "ok" && std::isfinite(figure(p, f.key))) {
        sum += figure(p, f.key);
        ++n;
      }
    overall[f.key] = n ? sum / n : kNaN;
  }
  ojson out = ojson::array();
  for (const ojson& a : sweep["axes"]) {
    if (a["values"].size() < 2) continue;  // a plain override does not vary
    ojson ax;
    ax["keys"] = a["keys"];
    ax["rows"] = ojson::array();
    for (const ojson& value : a["values"]) {
      ojson row;
      row["value"] = value;
      int n = 0;
      std::map<std::string, std::pair<double, int>> acc;
      for (const ojson& p : sweep["points"]) {
        bool match = true;
        for (std::size_t k = 0; k < a["keys"].size(); ++k) {
          const ojson& want = a["keys"].size() == 1 ? value : value[k];
          match = match && p["params"].value(a["keys"][k].get<std::string>(), ojson()) == want;
        }
        if (!match || p["status"] != "ok") continue;
        ++n;
        for (const Figure& f : figs) {
          const double v = figure(p, f.key);
          if (!std::isfinite(v)) continue;
          acc[f.key].first += v;
          acc[f.key].second += 1;
        }
      }
      row["points"] = n;
      for (const Figure& f : figs) {
        const auto it = acc.find(f.key);
        if (it == acc.end() || it->second.second == 0) {
          row[f.key] = nullptr;
          continue;
        }
        const double mean = it->second.first / it->second.second;
        row[f.key] = mean;
        row[std::string(f.key) + "_vs_mean"] =
            overall[f.key] != 0 ? mean / overall[f.key] - 1 : 0.0;
      }
      ax["rows"].push_back(row);
    }
    out.push_back(ax);
  }
  return out;
}

namespace {

std::string plot_body(const ojson& sweep, const Front& f) {
  std::string all = "$all << EOD\n", front = "$front << EOD\n";
  std::vector<std::pair<double, std::string>> front_rows;
  int n = 0;
  for (const ojson& p : sweep["points"]) {
    if (p["status"] != "ok") continue;
    const double c = figure(p, f.cost), g = figure(p, f.gain);
    if (!std::isfinite(c) || !std::isfinite(g)) continue;
    ++n;
    const std::string row = fmt::format("{:.6g} {:.6g} {}\n", c * f.xscale, g, p["index"].dump());
    all += row;
    if (p.contains("pareto") && p["pareto"].value(f.name, false)) front_rows.emplace_back(c, row);
  }
  std::sort(front_rows.begin(), front_rows.end());
  for (const auto& r : front_rows) front += r.second;
  all += "EOD\n";
  front += "EOD\n";
  return all + front +
         fmt::format(
             "set title '{} ({} points; Pareto front in red, labels are point numbers)'\n"
             "set xlabel '{}'\nset ylabel '{}'\nset grid\n"
             "set key {} right box opaque\nset offsets graph 0.05, graph 0.08, graph 0.08, "
             "graph 0.05\n"
             "plot $all using 1:2 with points pt 7 ps 1.1 lc rgb '#9e9e9e' title 'points', \\\n"
             "  $front using 1:2 with linespoints lw 2 pt 7 ps 1.5 lc rgb '#d62728' title "
             "'Pareto front', \\\n"
             "  $all using 1:2:3 with labels offset char 0.9,0.6 font ',9' notitle\n",
             f.title, n, f.xlabel, f.ylabel, f.higher_better ? "bottom" : "top");
}

std::string workload_text(const ojson& w) {
  std::string s =
      fmt::format("`{}`: {}", w["label"].get<std::string>(), w["layer"].get<std::string>());
  if (w.contains("ifmap"))
    s += fmt::format(", input {}", w["ifmap"].get<std::string>());
  else if (w["sparsity"].is_number())
    s += fmt::format(", {:.0f}% zero activations ({})", 100 * w["sparsity"].get<double>(),
                     w["pattern"].get<std::string>());
  else
    s += ", published sparsity";
  return s + fmt::format(", seed {}", w["seed"].dump());
}

// What every section of the report shares: the figures present, the parameters that vary, the
// ok points and the figures' table columns.
struct ReportTables {
  const ojson& sweep;
  std::vector<Figure> figs;
  std::set<std::string> fixed;
  std::vector<const ojson*> ok;
  std::string fig_head, fig_rule;

  explicit ReportTables(const ojson& s)
      : sweep(s), figs(present_figures(s)), fixed(constant_keys(s)) {
    for (const ojson& p : sweep["points"])
      if (p["status"] == "ok") ok.push_back(&p);
    for (const Figure& f : figs) {
      fig_head += std::string(" ") + f.heading + " |";
      fig_rule += "---:|";
    }
  }
  std::string params(const ojson& p) const { return app::params_text(p, fixed); }
  std::string figure_cells(const ojson& p) const {
    std::string s;
    for (const Figure& f : figs) s += " " + fig_text(f, figure(p, f.key)) + " |";
    return s;
  }
};

// Title, grid, constraints, workloads and what was measured.
std::string header_section(const ojson& sweep) {
  const ojson& c = sweep["counts"];
  std::string md = fmt::format("# Sweep `{}`\n\n", sweep["sweep"].get<std::string>());
  if (sweep.contains("description")) md += sweep["description"].get<std::string>() + "\n\n";
  std::string axes, overrides;
  for (const ojson& a : sweep["axes"]) {
    std::string keys;
    for (const auto& k : a["keys"]) keys += (keys.empty() ? "" : ", ") + k.get<std::string>();
    if (a["values"].size() == 1) {
      for (std::size_t k = 0; k < a["keys"].size(); ++k)
        overrides += fmt::format(
            "{}`{}: {}`", overrides.empty() ? "" : ", ", a["keys"][k].get<std::string>(),
            value_text(a["keys"].size() == 1 ? a["values"][0] : a["values"][0][k]));
      continue;
    }
    axes += fmt::format("{}`{}` ({} values{})", axes.empty() ? "" : ", ", keys, a["values"].size(),
                        a["keys"].size() > 1 ? ", zipped" : "");
  }
  md += fmt::format(
      "Base configuration `{}`{}; axes {}: {} points{}; **{} ok, {} invalid, {} failed**{}.\n\n",
      sweep["base"].get<std::string>(),
      overrides.empty() ? "" : " with " + overrides + " at every point",
      axes.empty() ? "none" : axes, c["grid"].dump(),
      c["dropped"].get<long long>() ? fmt::format(", {} dropped by constraints, {} left",
                                                  c["dropped"].dump(), c["points"].dump())
                                    : "",
      c["ok"].dump(), c["invalid"].dump(), c["failed"].dump(),
      c["pending"].get<long long>() ? fmt::format(", {} not run (interrupted)", c["pending"].dump())
                                    : "");
  for (const ojson& ct : sweep["constraints"])
    md += fmt::format("- constraint `{}` dropped {} point(s)\n", ct["expr"].get<std::string>(),
                      ct["dropped"].dump());
  if (!sweep["constraints"].empty()) md += "\n";
  md += "Workloads:\n\n";
  for (const ojson& w : sweep["workloads"]) md += "- " + workload_text(w) + "\n";
  if (sweep["workloads"].empty()) md += "- none\n";
  md += "\nMeasured: ";
  std::string what;
  if (measured(sweep, "sim"))
    what +=
        "RTL cycles of each workload on the design and on its dense twin (Verilator, "
        "bit-exact against the golden model)";
  else if (measured(sweep, "model"))
    what +=
        "cycles of each workload on the design and on its dense twin from the analytic "
        "cycle model (no RTL simulated)";
  if (measured(sweep, "ppa"))
    what += std::string(what.empty() ? "" : "; ") +
            "area, timing and power (Yosys and OpenSTA, 55-nm-like synthetic library, "
            "switching activity of the first workload); energy and TOPS/W on that workload";
  else if (measured(sweep, "area"))
    what += std::string(what.empty() ? "" : "; ") +
            "area (Yosys, 55-nm-like synthetic library: an estimate, not foundry data)";
  md += what +
        ". A point's speedup is over its dense twin on all the workloads together "
        "(their dense cycles over their cycles).\n\n";
  return md;
}

// The ok point that is best at each of a few goals.
std::string best_points_section(const ReportTables& t) {
  if (t.ok.empty() || t.figs.empty()) return "";
  std::string md = "## Best points\n\n| | point | parameters |" + t.fig_head + "\n|---|---:|---|" +
                   t.fig_rule + "\n";
  struct Best {
    const char* what;
    std::function<double(const ojson&)> score;  // higher is better
  };
  const std::vector<Best> bests = {
      {"highest speedup", [](const ojson& p) { return figure(p, "speedup"); }},
      {"fewest cycles", [](const ojson& p) { return -figure(p, "cycles"); }},
      {"smallest area", [](const ojson& p) { return -figure(p, "area_um2"); }},
      {"most speedup per mm²",
       [](const ojson& p) { return figure(p, "speedup") / (1e-6 * figure(p, "area_um2")); }},
      {"lowest energy", [](const ojson& p) { return -figure(p, "energy_uj"); }},
      {"highest TOPS/W", [](const ojson& p) { return figure(p, "tops_per_w"); }},
      {"highest fmax", [](const ojson& p) { return figure(p, "fmax_mhz"); }},
  };
  for (const Best& b : bests) {
    const ojson* best = nullptr;
    double top = -std::numeric_limits<double>::infinity();
    for (const ojson* p : t.ok) {
      const double v = b.score(*p);
      if (std::isfinite(v) && v > top) {
        top = v;
        best = p;
      }
    }
    if (!best) continue;
    md += fmt::format("| {} | {} | {} |{}\n", b.what, (*best)["index"].dump(),
                      md_cell(t.params((*best)["params"])), t.figure_cells(*best));
  }
  return md + "\n";
}

// Each Pareto front: its plot and its points, cheapest first.
std::string pareto_section(const ReportTables& t, bool png) {
  std::string md;
  if (t.sweep["pareto"].size()) md += "## Pareto fronts\n\n";
  for (const Front& f : kFronts) {
    if (!t.sweep["pareto"].contains(f.name)) continue;
    std::vector<const ojson*> members;
    for (const ojson* p : t.ok)
      if ((*p).contains("pareto") && (*p)["pareto"].value(f.name, false)) members.push_back(p);
    std::sort(members.begin(), members.end(), [&](const ojson* a, const ojson* b) {
      return figure(*a, f.cost) < figure(*b, f.cost);
    });
    md += fmt::format(
        "### {}\n\n{} point(s) on the front: none of them is beaten by another point on both "
        "figures ({}).\n\n![{}](plots/{}.{})\n\n| point | parameters |{}\n|---:|---|{}\n",
        f.title, members.size(), f.meaning, f.title, f.name, png ? "png" : "svg", t.fig_head,
        t.fig_rule);
    for (const ojson* p : members)
      md += fmt::format("| {} | {} |{}\n", (*p)["index"].dump(), md_cell(t.params((*p)["params"])),
                        t.figure_cells(*p));
    md += "\n";
  }
  return md;
}

// One axis: the mean of each figure for each of its values, and its distance from the mean.
std::string axis_table(const ReportTables& t, const ojson& ax) {
  std::string label;
  for (const auto& k : ax["keys"]) label += (label.empty() ? "" : ", ") + k.get<std::string>();
  std::string head = "| " + md_cell(label) + " | points |", rule = "|---|---:|";
  for (const Figure& f : t.figs) {
    head += std::string(" ") + f.heading + " | vs mean |";
    rule += "---:|---:|";
  }
  std::string md = fmt::format("### `{}`\n\n", label);
  std::string summary;
  for (const Figure& f : t.figs) {
    double lo = kNaN, hi = kNaN;
    for (const ojson& r : ax["rows"]) {
      const std::string k = std::string(f.key) + "_vs_mean";
      if (!r.contains(k)) continue;
      const double v = r[k].get<double>();
      lo = std::isfinite(lo) ? std::min(lo, v) : v;
      hi = std::isfinite(hi) ? std::max(hi, v) : v;
    }
    if (std::isfinite(lo))
      summary +=
          fmt::format("{}{} {} .. {}", summary.empty() ? "" : "; ", f.heading, pct(lo), pct(hi));
  }
  if (!summary.empty()) md += "Range of the means around the overall mean: " + summary + ".\n\n";
  md += head + "\n" + rule + "\n";
  for (const ojson& r : ax["rows"]) {
    std::string v = r["value"].is_array() ? "" : value_text(r["value"]);
    if (r["value"].is_array())
      for (const auto& x : r["value"]) v += (v.empty() ? "" : ", ") + value_text(x);
    md += fmt::format("| {} | {} |", md_cell(v), r["points"].dump());
    for (const Figure& f : t.figs) {
      const ojson& m = r[f.key];
      const std::string rel = std::string(f.key) + "_vs_mean";
      md += fmt::format(" {} | {} |", m.is_number() ? fig_text(f, m.get<double>()) : "-",
                        r.contains(rel) ? pct(r[rel].get<double>()) : "-");
    }
    md += "\n";
  }
  return md + "\n";
}

std::string axes_section(const ReportTables& t) {
  const ojson effects = axis_effects(t.sweep);
  if (effects.empty() || t.figs.empty()) return "";
  std::string md =
      "## What each axis does\n\nFor each value of an axis: the mean of each figure over "
      "the ok points that have it, and how far that is from the mean of all ok points "
      "(other axes vary underneath, so this is the value's average effect).\n\n";
  for (const ojson& ax : effects) md += axis_table(t, ax);
  return md;
}

std::string all_points_section(const ReportTables& t) {
  std::string md = "## All points\n\n| # | parameters | status |" + t.fig_head +
                   " fronts |\n|---:|---|---|" + t.fig_rule + "---|\n";
  for (const ojson& p : t.sweep["points"]) {
    std::string marks;
    for (const Front& f : kFronts)
      if (p.contains("pareto") && p["pareto"].value(f.name, false))
        marks += (marks.empty() ? "" : ", ") + std::string(f.mark);
    md +=
        fmt::format("| {} | {} | {} |{} {} |\n", p["index"].dump(), md_cell(t.params(p["params"])),
                    p["status"].get<std::string>(), t.figure_cells(p), marks);
  }
  return md + "\n";
}

// The first diagnostic of an invalid point, as one line.
std::string diagnostic_text(const ojson& p) {
  if (!p.contains("diagnostics") || p["diagnostics"].empty()) return "(no diagnostic)";
  const ojson& d = p["diagnostics"][0];
  return fmt::format("{} {}{}{}", d.value("code", ""),
                     d.contains("param") && !d["param"].get<std::string>().empty()
                         ? d["param"].get<std::string>() + ": "
                         : "",
                     d.value("message", ""),
                     d.contains("file") && d.value("line", 0) > 0
                         ? fmt::format(" ({}:{})", d["file"].get<std::string>(), d["line"].dump())
                         : "");
}

std::string invalid_and_failed_section(const ReportTables& t) {
  std::string md;
  bool head = false;
  for (const ojson& p : t.sweep["points"]) {
    if (p["status"] != "invalid") continue;
    if (!head)
      md +=
          "## Invalid points\n\nTheir configurations (or workloads) do not validate; "
          "they were skipped. The first diagnostic of each:\n\n";
    head = true;
    md += fmt::format("- point {} `{}`: {}\n", p["index"].dump(), t.params(p["params"]),
                      diagnostic_text(p));
  }
  if (head) md += "\n";
  head = false;
  for (const ojson& p : t.sweep["points"]) {
    if (p["status"] != "failed" && p["status"] != "pending") continue;
    if (!head) md += "## Failed points\n\nRerun the same command to retry them.\n\n";
    head = true;
    const std::string why =
        p.contains("error") ? p["error"].value("message", "") : "no result (not run or killed)";
    md += fmt::format("- point {} `{}`: {}; log `{}`\n", p["index"].dump(), t.params(p["params"]),
                      why, p.value("log", ""));
  }
  if (head) md += "\n";
  return md;
}

std::string run_section(const ojson& sweep, const SweepRunInfo& run) {
  std::string md = fmt::format(
      "## Run\n\nThis invocation: {} executor{}, {} point(s) run in {}{}{}. Files: `sweep.json`, "
      "`sweep.csv`, `timings.csv` (each point's time by stage), `points/<id>/` (`config.yaml` "
      "to rerun by hand, `result.json`, `log.txt`).\n",
      run.executor, run.executor == "local" ? fmt::format(" ({} jobs)", run.jobs) : "", run.ran,
      sweep_util::duration_text(run.seconds),
      run.slurm_job.empty() ? "" : fmt::format(", Slurm job {}", run.slurm_job),
      run.interrupted ? "; **interrupted**" : "");
  md += fmt::format("\nTool version: {}.\n", sweep["tool_version"].get<std::string>());
  return md;
}

}  // namespace

std::string sweep_markdown(const ojson& sweep, const SweepRunInfo& run, bool png) {
  const ReportTables t(sweep);
  return header_section(sweep) + best_points_section(t) + pareto_section(t, png) + axes_section(t) +
         all_points_section(t) + invalid_and_failed_section(t) + run_section(sweep, run);
}

void write_sweep_report(const std::string& sweep_dir, const ojson& sweep, const SweepRunInfo& run) {
  const fs::path dir(sweep_dir);
  fs::create_directories(dir);
  write_file_atomically((dir / "sweep.json").string(), sweep.dump(2) + "\n");
  write_file_atomically((dir / "sweep.csv").string(), sweep_csv(sweep));

  std::string t =
      "index,id,status,exit_status,total_s,sim_build_s,sim_s,model_s,area_s,ppa_s,host,"
      "slurm_task\n";
  for (const ojson& p : sweep["points"]) {
    const ojson r = [&] {
      try {
        return ojson::parse(
            sweep_util::slurp((dir / p["dir"].get<std::string>() / "result.json").string()));
      } catch (const nlohmann::json::exception&) {
        return ojson();
      }
    }();
    const ojson sec = r.is_object() ? r.value("seconds", ojson::object()) : ojson::object();
    const ojson rn = r.is_object() ? r.value("run", ojson::object()) : ojson::object();
    auto s = [&](const char* k) {
      return sec.contains(k) ? fmt::format("{:.2f}", sec[k].get<double>()) : std::string();
    };
    t += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", p["index"].dump(),
                     p["id"].get<std::string>(), p["status"].get<std::string>(),
                     r.is_object() && r.contains("exit_status") ? r["exit_status"].dump() : "",
                     s("total"), s("sim_build"), s("sim"), s("model"), s("area"), s("ppa"),
                     rn.value("host", ""), rn.value("slurm_task", ""));
  }
  write_file_atomically((dir / "timings.csv").string(), t);

  bool png = true;
  const fs::path plots = dir / "plots";
  for (const Front& f : kFronts)
    if (sweep["pareto"].contains(f.name))
      png = render_plot(plots.string(), f.name, plot_body(sweep, f)).png && png;
  const std::string md = sweep_markdown(sweep, run, png);
  write_file_atomically((dir / "report.md").string(), md);
  write_file_atomically((dir / "report.html").string(),
                        markdown_to_html(md, "zasgen sweep " + sweep["sweep"].get<std::string>()));
}

}  // namespace zasgen::app
