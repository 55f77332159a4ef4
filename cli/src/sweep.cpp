#include "zasgen/app/sweep.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "sweep_util.h"
#include "zasgen/app/sweep_report.h"
#include "zasgen/config.h"
#include "zasgen/error.h"
#include "zasgen/fs_util.h"
#include "zasgen/rtl/elaborate.h"
#include "zasgen/sim/tool.h"
#include "zasgen/util.h"

namespace zasgen::app {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

std::string first_line(std::string s) {
  const auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A point that ended without writing its result (killed, cancelled, out of time): recorded as
// failed, so that the sweep reports it and a rerun retries it.
void record_lost(const std::string& dir, const std::string& hash, const TaskEnd& e) {
  ojson r;
  r["id"] = hash;
  r["status"] = "failed";
  r["exit_status"] = e.exit_status;
  r["error"] = {
      {"stage", "executor"},
      {"code", "no-result"},
      {"message",
       fmt::format("the point's run ended without a result ({}{})", e.state,
                   e.exit_status >= 0 ? fmt::format(", exit status {}", e.exit_status) : "")},
      {"log", ""}};
  r["seconds"] = {{"total", e.seconds}};
  write_file_atomically((fs::path(dir) / "result.json").string(), r.dump(2) + "\n");
  std::ofstream(fs::path(dir) / "log.txt", std::ios::app)
      << "zasgen sweep: " << r["error"]["message"].get<std::string>() << "\n";
}

}  // namespace

std::string tool_version(const SweepSpec& s) {
  std::string v = "zasgen " ZASGEN_VERSION;
  if (s.measures(Measure::Sim)) v += "; " + first_line(sim::capture({"verilator", "--version"}));
  if (s.measures(Measure::Area) || s.measures(Measure::Ppa))
    v += "; " + first_line(sim::capture({"yosys", "-V"}));
  if (s.measures(Measure::Ppa)) v += "; OpenSTA " + first_line(sim::capture({"sta", "-version"}));
  return v;
}

std::vector<const PlannedPoint*> run_order(const std::vector<const PlannedPoint*>& points, bool sim,
                                           bool synth) {
  std::vector<const PlannedPoint*> order = points;
  if (synth) {
    auto size = [](const PlannedPoint* p) {
      if (!p->params_valid) return 0.0;
      const ArchParams& a = *p->params_valid;
      return double(a.pes) * a.lanes * a.taps() * (a.act_bits + a.weight_bits);
    };
    std::stable_sort(order.begin(), order.end(), [&](const PlannedPoint* a, const PlannedPoint* b) {
      return size(a) > size(b);
    });
  }
  if (!sim) return order;
  std::map<uint64_t, int> seen;  // dense twin (its RTL) -> points of it so far
  std::vector<std::pair<int, const PlannedPoint*>> ranked;
  for (const PlannedPoint* p : order) {
    int rank = 0;
    if (p->params_valid) {
      ArchParams twin = p->params_valid->dense_twin();
      twin.source = twin.source_name = kPointConfig;  // as run_point reads it
      std::string text;
      for (const rtl::OutputFile& f : rtl::generate_files(twin, {}))
        if (f.path.rfind("rtl/", 0) == 0) text += f.path + "\n" + f.text;
      rank = seen[fnv1a(text)]++;
    }
    ranked.emplace_back(rank, p);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  order.clear();
  for (const auto& [rank, p] : ranked) order.push_back(p);
  return order;
}

namespace {

// The sweep file planned into points; bad files and bad plans throw their diagnostics.
SweepPlan plan_or_throw(const SweepOptions& o, const SweepParse& sp) {
  if (!sp.ok()) throw ConfigError(o.sweep_file, sp.diags);
  Diagnostics diags;
  SweepPlan plan = plan_sweep(*sp.spec, tool_version(*sp.spec), diags);
  if (!diags.empty()) {
    Diagnostics all = sp.diags;  // keeps the sweep file's text for quoting
    all.append(diags);
    throw ConfigError(o.sweep_file, all);
  }
  return plan;
}

// Writes every point's folder (point.json, config, invalid points' results) and returns the
// valid points without a result, counting the valid ones and those done before.
std::vector<const PlannedPoint*> points_to_run(const SweepOptions& o, const SweepSpec& spec,
                                               const SweepPlan& plan, const std::string& dir,
                                               std::size_t& valid, std::size_t& done) {
  std::vector<const PlannedPoint*> todo;
  std::error_code ec;
  for (const PlannedPoint& p : plan.points) {
    const std::string pdir = (fs::path(dir) / p.dir).string();
    if (o.redo && p.valid()) fs::remove(fs::path(pdir) / "result.json", ec);
    write_point(dir, p, spec, plan, o.cache_root);
    if (!p.valid()) continue;
    ++valid;
    const PointStatus st = read_point(pdir, p.hash).status;
    if (st == PointStatus::Ok || st == PointStatus::Invalid)
      ++done;
    else
      todo.push_back(&p);
  }
  return todo;
}

// Runs the points on the local pool or as a Slurm array, in the order that keeps the cores
// busy; returns false when the Slurm job was submitted without waiting for it.
bool execute(const SweepOptions& o, const SweepSpec& spec, const std::string& dir,
             std::vector<const PlannedPoint*> todo, SweepRunInfo& info, bool& interrupted) {
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  todo = run_order(todo, spec.measures(Measure::Sim),
                   spec.measures(Measure::Area) || spec.measures(Measure::Ppa));
  std::vector<PointTask> tasks;
  std::map<std::string, const PlannedPoint*> by_hash;
  for (const PlannedPoint* p : todo) {
    tasks.push_back({(fs::path(dir) / p->dir).string(), p->hash,
                     fmt::format("point {}: {}", p->index, p->describe())});
    by_hash[p->hash] = p;
  }
  ExecCallbacks cb;
  cb.log = log;
  cb.progress = o.progress;
  cb.finished = [&](const TaskEnd& e, const PointState& st) {
    const std::string pdir = (fs::path(dir) / "points" / e.hash).string();
    PointState s = st;
    if (s.status == PointStatus::Pending) {
      record_lost(pdir, e.hash, e);
      s = read_point(pdir, e.hash);
    }
    const auto it = by_hash.find(e.hash);
    if (it != by_hash.end() && o.finished) o.finished(*it->second, s, e);
  };
  std::vector<TaskEnd> ends;
  if (o.slurm) {
    SlurmOptions so = o.slurm_options;
    so.exe = o.exe;
    ends = run_slurm(dir, spec.file, tasks, so, cb, &interrupted);
    const std::string rec = sweep_util::slurp((fs::path(dir) / "slurm.json").string());
    if (!rec.empty()) try {
        info.slurm_job = ojson::parse(rec).value("job", "");
      } catch (const nlohmann::json::exception&) {
      }
    if (!so.wait) {
      log("not waiting for the job; rerun the same command to follow it and collect the "
          "results");
      return false;
    }
  } else {
    LocalOptions lo;
    lo.jobs = info.jobs;
    lo.exe = o.exe;
    ends = run_local(tasks, lo, cb, &interrupted);
  }
  info.ran = ends.size();
  return true;
}

// 130 when interrupted, else 3 if a point mismatched, 4 if one failed or is lost, else 0.
int sweep_exit_status(const ojson& sweep, bool interrupted) {
  bool mismatch = false, failed = false;
  for (const ojson& p : sweep["points"]) {
    if (p["status"] == "failed" || p["status"] == "pending") failed = true;
    if (p.contains("error") && p["error"].value("code", "") == "mismatch") mismatch = true;
  }
  return interrupted ? 130 : mismatch ? int(Exit::Mismatch) : failed ? int(Exit::ToolFailure) : 0;
}

}  // namespace

SweepOutcome run_sweep(const SweepOptions& o) {
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  const double t0 = sweep_util::now_seconds();
  SweepParse sp = parse_sweep_file(o.sweep_file);
  SweepOutcome out;
  out.plan = plan_or_throw(o, sp);
  const SweepSpec& spec = *sp.spec;
  const SweepPlan& plan = out.plan;
  out.dir = o.out_dir.empty() ? (fs::path("out") / "sweeps" / spec.stem).string() : o.out_dir;
  std::error_code ec;
  fs::create_directories(out.dir, ec);
  if (ec)
    throw UsageError("-o " + out.dir, "cannot create the sweep folder: " + ec.message(),
                     "a writable folder");
  const sweep_util::FileLock lock((fs::path(out.dir) / ".lock").string(), false);
  if (!lock.locked())
    throw UsageError(out.dir, "another zasgen sweep is running in this folder",
                     "wait for it, or give another folder with -o");

  std::size_t valid = 0, done = 0;
  const std::vector<const PlannedPoint*> todo = points_to_run(o, spec, plan, out.dir, valid, done);
  log(fmt::format(
      "sweep {}: {} points ({} grid, {} dropped by constraints), {} invalid, {} done "
      "before, {} to run; folder {}",
      spec.file, plan.points.size(), plan.grid, plan.grid - (long long)plan.points.size(),
      plan.points.size() - valid, done, todo.size(), out.dir));

  SweepRunInfo info;
  info.executor = o.slurm ? "slurm" : "local";
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  info.jobs = o.jobs > 0 ? o.jobs : cores;
  bool interrupted = false;
  if (!todo.empty() && !o.dry_run && !execute(o, spec, out.dir, todo, info, interrupted)) {
    out.exit_status = 0;  // submitted to Slurm; a rerun follows it
    return out;
  }
  info.interrupted = interrupted;
  info.seconds = sweep_util::now_seconds() - t0;
  out.ran = info.ran;
  out.sweep = collect_sweep(spec, plan, out.dir);
  if (o.dry_run) {
    log("dry run: nothing was run");
    return out;
  }
  write_sweep_report(out.dir, out.sweep, info);
  if (!o.json.empty()) write_file_atomically(o.json, out.sweep.dump(2) + "\n");
  out.exit_status = sweep_exit_status(out.sweep, interrupted);
  return out;
}

}  // namespace zasgen::app
