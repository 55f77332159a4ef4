// zasgen sweep SWEEP.yaml [--jobs N | --slurm ...]: a design-space sweep (zasgen/app/sweep.h),
// with progress on stderr; and `zasgen sweep run-point DIR`, the unit of work both executors
// run for one point.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common.h"
#include "zasgen/app/sweep.h"
#include "zasgen/error.h"

namespace zasgen::cli {

namespace {

namespace fs = std::filesystem;

struct SweepCliOptions {
  app::SweepOptions sweep;
  bool quiet = false;
  std::string point_dir;  // run-point
};

std::string duration(double s) {
  if (!(s >= 0) || !std::isfinite(s)) return "?";
  const long long t = std::llround(s);
  if (t >= 3600) return fmt::format("{}h{:02d}m", t / 3600, int(t % 3600 / 60));
  if (t >= 60) return fmt::format("{}m{:02d}s", t / 60, int(t % 60));
  return fmt::format("{}s", t);
}

// Points done / running / failed, and the time left.
std::string status_line(const app::ExecProgress& p) {
  return fmt::format("{}/{} points done, {} running, {} failed; {} elapsed{}", p.done, p.total,
                     p.running, p.failed, duration(p.elapsed),
                     p.eta >= 0 && p.done < p.total ? ", about " + duration(p.eta) + " left" : "");
}

std::string point_line(const app::PlannedPoint& p, const app::PointState& st, const app::TaskEnd& e,
                       const std::string& sweep_dir) {
  std::string figures;
  const auto& r = st.result;
  if (st.status == app::PointStatus::Ok) {
    if (r.contains("speedup") && r["speedup"].is_number())
      figures += fmt::format(" speedup {:.3f}", r["speedup"].get<double>());
    if (r.contains("area_um2") && r["area_um2"].is_number())
      figures += fmt::format(" area {:.4f} mm2", 1e-6 * r["area_um2"].get<double>());
    const double tops = app::central(r.contains("tops_per_w") ? r["tops_per_w"] : nullptr);
    if (std::isfinite(tops)) figures += fmt::format(" {:.2f} TOPS/W", tops);
  } else if (r.contains("error")) {
    figures = " " + r["error"].value("message", "");
  }
  return fmt::format("  {:<7} point {:>3} {}:{} ({}){}", app::to_string(st.status), p.index,
                     p.describe(), figures, duration(e.seconds),
                     st.status == app::PointStatus::Failed
                         ? "\n          log: " + (fs::path(sweep_dir) / p.dir / "log.txt").string()
                         : "");
}

int run_sweep_cli(SweepCliOptions& o) {
  app::SweepOptions& s = o.sweep;
  if (s.sweep_file.empty())
    throw UsageError("zasgen sweep", "no sweep file given", "zasgen sweep SWEEP.yaml");
  s.exe = self_executable();
  if (s.exe.empty())
    throw ToolError("cannot find the running zasgen executable (run it by a path or from PATH)");
  if (s.out_dir.empty())
    s.out_dir = (fs::path("out") / "sweeps" / fs::path(s.sweep_file).stem()).string();
  if (s.jobs < 0) throw UsageError("--jobs", fmt::format("{} is not a job count", s.jobs), ">= 1");
  const bool tty = isatty(fileno(stderr)) && !o.quiet;
  bool line_shown = false;
  auto clear = [&] {
    if (line_shown) std::fputs("\r\033[K", stderr);
    line_shown = false;
  };
  s.log = [&](const std::string& m) {
    if (o.quiet) return;
    clear();
    std::fprintf(stderr, "%s\n", m.c_str());
  };
  std::size_t printed_done = 0;  // without a terminal: a status line when a point ends
  s.progress = [&](const app::ExecProgress& p) {
    if (o.quiet) return;
    if (!tty) {
      if (p.done != printed_done) std::fprintf(stderr, "  %s\n", status_line(p).c_str());
      printed_done = p.done;
      return;
    }
    clear();
    std::fprintf(stderr, "  %s", status_line(p).c_str());
    std::fflush(stderr);
    line_shown = true;
  };
  s.finished = [&](const app::PlannedPoint& p, const app::PointState& st, const app::TaskEnd& e) {
    if (o.quiet) return;
    clear();
    std::fprintf(stderr, "%s\n", point_line(p, st, e, s.out_dir).c_str());
  };
  const app::SweepOutcome r = app::run_sweep(s);
  clear();
  if (!o.quiet) {
    const auto& c = r.sweep.contains("counts") ? r.sweep["counts"] : nlohmann::ordered_json();
    if (c.is_object())
      std::fprintf(stderr, "sweep %s: %s points: %s ok, %s invalid, %s failed%s\n",
                   s.sweep_file.c_str(), c["points"].dump().c_str(), c["ok"].dump().c_str(),
                   c["invalid"].dump().c_str(), c["failed"].dump().c_str(),
                   c["pending"].get<long long>()
                       ? fmt::format(", {} not run", c["pending"].dump()).c_str()
                       : "");
    if (r.sweep.contains("pareto"))
      for (const auto& [name, members] : r.sweep["pareto"].items()) {
        std::string list;
        for (const auto& m : members) list += (list.empty() ? "" : ", ") + m.dump();
        std::string what = name;  // area_speedup -> area vs speedup
        if (const auto u = what.find('_'); u != std::string::npos) what.replace(u, 1, " vs ");
        std::fprintf(stderr, "  Pareto front (%s): points %s\n", what.c_str(), list.c_str());
      }
    if (!s.dry_run && r.sweep.contains("points"))
      std::fprintf(stderr, "  report %s/report.md (sweep.json, sweep.csv, plots/)\n",
                   r.dir.c_str());
  }
  return r.exit_status;
}

}  // namespace

Command add_sweep(CLI::App& app) {
  auto o = std::make_shared<SweepCliOptions>();
  app::SweepOptions& s = o->sweep;
  CLI::App* w = app.add_subcommand(
      "sweep", "design-space sweep: a grid of configurations, measured, with a Pareto report");
  w->add_option("sweep", s.sweep_file, "sweep file (YAML): base, axes, workloads, measure");
  CLI::Option* jobs =
      w->add_option("-j,--jobs", s.jobs, "points at once on this machine (default: the cores)");
  CLI::Option* slurm =
      w->add_flag("--slurm", s.slurm, "run the points as a Slurm job array (sbatch, squeue)");
  jobs->excludes(slurm);
  w->add_option("--partition", s.slurm_options.partition, "Slurm partition")->needs(slurm);
  w->add_option("--time", s.slurm_options.time, "Slurm time limit per point (sbatch --time)")
      ->needs(slurm);
  w->add_option("--array-limit", s.slurm_options.array_limit, "most Slurm tasks running at once")
      ->check(CLI::NonNegativeNumber)
      ->needs(slurm);
  w->add_flag(
       "--no-wait", [o](std::int64_t) { o->sweep.slurm_options.wait = false; },
       "with --slurm: submit and return (rerun the command to follow and collect)")
      ->needs(slurm);
  w->add_option("-o,--out", s.out_dir, "sweep folder (default out/sweeps/<sweep file stem>/)");
  w->add_option("--json", s.json, "also write sweep.json here");
  w->add_option("--cache", s.cache_root,
                "simulator build cache shared by the points (default out/.cache/verilator)");
  w->add_flag("--redo", s.redo, "recompute every point, even those with results");
  w->add_flag("--dry-run", s.dry_run, "plan and write the points' folders; run nothing");
  w->add_flag("-q,--quiet", o->quiet, "print nothing but errors");
  w->require_subcommand(0, 1);
  CLI::App* rp = w->add_subcommand(
      "run-point", "measure one point of a sweep (what both executors run for each point)");
  rp->add_option("dir", o->point_dir, "the point's folder (<sweep folder>/points/<id>)")
      ->required();
  return {w, [o, rp] {
            if (rp->parsed()) {
              app::PointRunOptions po;
              po.log = [](const std::string& m) {
                std::printf("%s\n", m.c_str()), std::fflush(stdout);
              };
              return app::run_point(o->point_dir, po);
            }
            return run_sweep_cli(*o);
          }};
}

}  // namespace zasgen::cli
