// Pareto fronts on known data, the shape of sweep.json and sweep.csv, and the axis effects.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

#include "sweep_test_util.h"
#include "zasgen/app/sweep_plan.h"
#include "zasgen/app/sweep_point.h"
#include "zasgen/app/sweep_report.h"

using namespace zasgen;
using namespace zasgen::app;
using json = nlohmann::ordered_json;

TEST_CASE("Pareto front: minimal cost for the gain, on known data", "[sweep][pareto]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // cost (area), gain (speedup)
  const std::vector<double> cost = {1, 2, 2, 3, 4, 5, 1.5, nan, 6};
  const std::vector<double> gain = {1, 3, 2, 3, 5, 5, 1, 9, 4};
  const std::vector<bool> front = pareto_front(cost, gain);
  //                         0     1     2      3      4     5      6      7      8
  CHECK(front == std::vector<bool>{true, true, false, false, true, false, false, false, false});
  // 2 is beaten by 1 (same cost, more gain); 3 by 1 (less cost, same gain); 5 by 4; 6 by 0;
  // 7 has no cost; 8 by 4.
  // ties: identical points are both on the front (neither is better in one figure)
  CHECK(pareto_front({1, 1}, {2, 2}) == std::vector<bool>{true, true});
  CHECK(pareto_front({}, {}).empty());
  // a single point is its own front
  CHECK(pareto_front({7}, {0.5}) == std::vector<bool>{true});
}

namespace {

// A plan of 4 points with hand-written results (no tool runs).
struct Fixture {
  std::string dir = test::scratch("report");
  SweepSpec spec;
  SweepPlan plan;

  Fixture() {
    const SweepParse r = test::parse(test::tiny_sweep(R"(
axes:
  arch.pes: [2, 4]
  sparse.format, sparse.index_bits: [[rle, 4], [coord, 3]]
  memory.act_in.table_kib: 0.125
workloads:
  - layer: c=6,k=5,h=10,w=9
    sparsity: [0.5, 0.9]
    name: "a,b"
measure: [sim, ppa]
)"));
    INFO(render_text(r.diags));
    REQUIRE(r.ok());
    spec = *r.spec;
    Diagnostics d;
    plan = plan_sweep(spec, "test", d);
    REQUIRE(plan.points.size() == 4);
    for (const PlannedPoint& p : plan.points) write_point(dir, p, spec, plan, dir + "/cache");
    // points 0 and 2 (rle) ok; 1 and 3 (coord with 3 index bits) are invalid
    result(0, 1000, 3000, 200000, 10.0);
    result(2, 800, 3000, 300000, json{{"low", 7.0}, {"central", 8.0}, {"high", 9.5}});
  }

  void result(int i, int cycles, int dense, double area, const json& energy) {
    const PlannedPoint& p = plan.points[std::size_t(i)];
    json r;
    r["id"] = p.hash;
    r["status"] = "ok";
    r["exit_status"] = 0;
    r["results"] = json::array();
    for (int w = 0; w < 2; ++w)
      r["results"].push_back({{"workload", spec.workloads[std::size_t(w)].label},
                              {"layer", spec.workloads[std::size_t(w)].layer},
                              {"cycles", cycles / 2},
                              {"dense_cycles", dense / 2},
                              {"speedup", double(dense) / cycles},
                              {"mismatches", 0}});
    r["cycles"] = cycles;
    r["dense_cycles"] = dense;
    r["speedup"] = double(dense) / cycles;
    r["mismatches"] = 0;
    r["area_um2"] = area;
    r["fmax_mhz"] = 200.0;
    r["power_mw"] = 5.0;
    r["energy_uj"] = energy;
    r["tops_per_w"] = 2.5;
    r["seconds"] = {{"total", 12.5}};
    r["run"] = {{"host", "h"}};
    test::write_text(dir + "/" + p.dir + "/result.json", r.dump(2));
  }
};

}  // namespace

TEST_CASE("sweep.json has the contract's shape", "[sweep][report]") {
  Fixture f;
  const json s = collect_sweep(f.spec, f.plan, f.dir);
  REQUIRE(s["points"].size() == 4);
  CHECK(s["counts"]["ok"] == 2);
  CHECK(s["counts"]["invalid"] == 2);
  CHECK(s["counts"]["grid"] == 4);
  const json& p0 = s["points"][0];
  CHECK(p0["status"] == "ok");
  CHECK(p0["params"] == json({{"arch.pes", 2},
                              {"sparse.format", "rle"},
                              {"sparse.index_bits", 4},
                              {"memory.act_in.table_kib", 0.125}}));
  REQUIRE(p0["results"].size() == 2);
  for (const char* k : {"layer", "cycles", "dense_cycles", "speedup", "mismatches"})
    CHECK(p0["results"][0].contains(k));
  for (const char* k : {"area_um2", "fmax_mhz", "power_mw", "energy_uj", "tops_per_w"})
    CHECK(p0.contains(k));
  // no timing, host or run record in sweep.json
  CHECK_FALSE(p0.contains("seconds"));
  CHECK_FALSE(p0.contains("run"));
  // invalid points: their diagnostics, no results
  const json& p1 = s["points"][1];
  CHECK(p1["status"] == "invalid");
  CHECK(p1["diagnostics"][0]["code"] == "E302");
  CHECK_FALSE(p1.contains("results"));
  // fronts: point 2 is faster and bigger (both on the area front); energy: a band counts by
  // its central value (8 < 10 and faster: point 2 alone)
  CHECK(s["pareto"]["area_speedup"] == json::array({0, 2}));
  CHECK(s["pareto"]["energy_speedup"] == json::array({2}));
  // cycles: fewer is better (point 2: 800 cycles for more area)
  CHECK(s["pareto"]["area_cycles"] == json::array({0, 2}));
  CHECK(s["points"][0]["pareto"]["energy_speedup"] == false);
  CHECK(s["points"][2]["energy_uj"]["central"] == 8.0);
}

TEST_CASE("sweep.csv: one row per point, quoted where needed", "[sweep][report]") {
  Fixture f;
  const json s = collect_sweep(f.spec, f.plan, f.dir);
  const std::string csv = sweep_csv(s);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < csv.size()) {
    const std::size_t nl = csv.find('\n', start);
    lines.push_back(csv.substr(start, nl - start));
    start = nl + 1;
  }
  REQUIRE(lines.size() == 5);  // header + 4 points
  const std::string& h = lines[0];
  CHECK(h.rfind("index,id,status,arch.pes,sparse.format,sparse.index_bits,memory.act_in.table_kib,",
                0) == 0);
  // workload labels with a comma are quoted
  CHECK(h.find("\"a,b@0.5.cycles\"") != std::string::npos);
  CHECK(h.find(",energy_uj,energy_uj_low,energy_uj_high,") != std::string::npos);
  CHECK(h.find(",pareto_area_speedup,pareto_energy_speedup,pareto_area_cycles,dir") !=
        std::string::npos);
  CHECK(lines[1].rfind("0," + f.plan.points[0].hash + ",ok,2,rle,4,0.125,500,1500,3", 0) == 0);
  CHECK(lines[3].find(",8.0,7.0,9.5,") != std::string::npos);  // central, low, high
  CHECK(lines[2].find(",invalid,") != std::string::npos);
  // every row has as many fields as the header (no field here holds a quoted comma but the
  // header)
  auto fields = [](const std::string& l) {
    int n = 1;
    bool q = false;
    for (char c : l) {
      if (c == '"') q = !q;
      if (c == ',' && !q) ++n;
    }
    return n;
  };
  for (const std::string& l : lines) CHECK(fields(l) == fields(h));
}

TEST_CASE("axis effects: the mean of each figure per value", "[sweep][report]") {
  Fixture f;
  const json s = collect_sweep(f.spec, f.plan, f.dir);
  const json e = axis_effects(s);
  // the one-value axis (table_kib) does not vary: two axes
  REQUIRE(e.size() == 2);
  const json& pes = e[0]["rows"];
  REQUIRE(pes.size() == 2);
  CHECK(pes[0]["points"] == 1);
  CHECK(pes[0]["area_um2"] == Approx(200000));
  CHECK(pes[1]["area_um2"] == Approx(300000));
  CHECK(pes[0]["area_um2_vs_mean"] == Approx(-0.2));
  CHECK(pes[1]["speedup"] == Approx(3.75));
  // the zipped axis: one row per step; the coord step has no ok point
  const json& fmt = e[1]["rows"];
  CHECK(fmt[0]["value"] == json::array({"rle", 4}));
  CHECK(fmt[0]["points"] == 2);
  CHECK(fmt[1]["points"] == 0);
  CHECK(fmt[1]["speedup"].is_null());
}

TEST_CASE("the report is written with its plots", "[sweep][report]") {
  Fixture f;
  const json s = collect_sweep(f.spec, f.plan, f.dir);
  SweepRunInfo info;
  info.executor = "local";
  info.jobs = 2;
  write_sweep_report(f.dir, s, info);
  namespace fs = std::filesystem;
  for (const char* file : {"sweep.json", "sweep.csv", "timings.csv", "report.md", "report.html"})
    CHECK(fs::exists(fs::path(f.dir) / file));
  const std::string md = test::read_text(f.dir + "/report.md");
  CHECK(md.find("## Pareto fronts") != std::string::npos);
  CHECK(md.find("## What each axis does") != std::string::npos);
  CHECK(md.find("highest speedup | 2 |") != std::string::npos);
  CHECK(md.find("E302") != std::string::npos);
  CHECK(json::parse(test::read_text(f.dir + "/sweep.json")) == s);
  CHECK(test::read_text(f.dir + "/timings.csv").find(",12.50,") != std::string::npos);
  // gnuplot is part of the set-up; the plots exist when it is there
  if (!std::system("command -v gnuplot >/dev/null 2>&1"))
    CHECK(fs::exists(fs::path(f.dir) / "plots" / "area_speedup.svg"));
}
