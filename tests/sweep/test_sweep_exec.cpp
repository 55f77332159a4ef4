// The executors: the same tiny sweep (analytic model, so no tool runs) through the local pool
// with 1 and 3 jobs and through the Slurm executor (against stand-ins for sbatch and squeue
// that run the job script's tasks here) gives the same sweep.json, byte for byte; a rerun
// resumes (runs nothing), a failed or killed point is retried and only it.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "sweep_test_util.h"
#include "zasgen/app/sweep.h"

using namespace zasgen;
using namespace zasgen::app;
using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

const char* const kSweep = R"(
axes:
  arch.pes: [2, 4]
  sparse.format, sparse.index_bits: [[rle, 4], [coord, 5], [coord, 4], [bitmap, 8]]
  memory.act_in.table_kib: 0.125
  memory.act_out.table_kib: 0.125
workloads:
  - layer: c=6,k=5,h=10,w=9,r=3,s=3,stride=1,pad=1
    sparsity: [0.5, 0.8]
    seed: 11
measure: [model]
)";

// A sweep file in `dir` and the options to run it there.
SweepOptions options(const std::string& dir, const std::string& out) {
  test::write_text(dir + "/sweep.yaml", test::tiny_sweep(kSweep));
  SweepOptions o;
  o.sweep_file = dir + "/sweep.yaml";
  o.out_dir = dir + "/" + out;
  o.cache_root = dir + "/cache";
  o.exe = ZASGEN_BIN;
  return o;
}

// Stand-ins for Slurm's clients: sbatch runs the script's array tasks in the background, one
// after the other, and records their states where squeue reads them. `kill_task` >= 0: that
// task is "cancelled" instead of run (it ends with no result, as a killed task would).
std::string fake_slurm(const std::string& dir, int kill_task = -1) {
  const std::string bin = dir + "/fake-slurm";
  test::write_text(bin + "/sbatch",
                   R"SH(#!/bin/bash
script="${@: -1}"
state=")SH" + bin + R"SH(/jobs"
job=$(( $(ls "$state" 2>/dev/null | wc -l) + 100 ))
n=$(sed -n 's/^#SBATCH --array=0-\([0-9]*\).*/\1/p' "$script")
mkdir -p "$state/$job"
for i in $(seq 0 "$n"); do echo "PENDING 0" > "$state/$job/$i"; done
(
  for i in $(seq 0 "$n"); do
    echo "RUNNING 0" > "$state/$job/$i"
    if [ "$i" = ")SH" + std::to_string(kill_task) +
                       R"SH(" ]; then echo "CANCELLED 15" > "$state/$job/$i"; continue; fi
    SLURM_ARRAY_JOB_ID=$job SLURM_ARRAY_TASK_ID=$i bash "$script" >/dev/null 2>&1
    rc=$?
    if [ $rc = 0 ]; then echo "COMPLETED 0" > "$state/$job/$i"; else echo "FAILED $((rc * 256))" > "$state/$job/$i"; fi
  done
) >/dev/null 2>&1 &
echo "$job"
)SH");
  test::write_text(bin + "/squeue", R"SH(#!/bin/bash
job=""
while [ $# -gt 0 ]; do [ "$1" = "-j" ] && job="$2"; shift; done
d=")SH" + bin + R"SH(/jobs/$job"
[ -d "$d" ] || { echo "slurm_load_jobs error: Invalid job id specified"; exit 1; }
for f in "$d"/*; do read -r st code < "$f"; echo "$(basename "$f") $st $code"; done
)SH");
  test::write_text(bin + "/scancel", "#!/bin/bash\nexit 0\n");
  for (const char* f : {"sbatch", "squeue", "scancel"}) chmod((bin + "/" + f).c_str(), 0755);
  return bin;
}

std::string sweep_json(const SweepOutcome& r) {
  return test::read_text(r.dir + "/sweep.json");
}

}  // namespace

TEST_CASE("results do not depend on the executor nor on the number of jobs", "[sweep][exec]") {
  const std::string dir = test::scratch("exec-equivalence");
  SweepOptions a = options(dir, "jobs1");
  a.jobs = 1;
  const SweepOutcome ra = run_sweep(a);
  CHECK(ra.exit_status == 0);
  CHECK(ra.ran == 6);  // 8 points, 2 invalid (coord needs 5 index bits on 32-wide maps)
  CHECK(ra.sweep["counts"]["ok"] == 6);
  CHECK(ra.sweep["counts"]["invalid"] == 2);

  SweepOptions b = options(dir, "jobs3");
  b.jobs = 3;
  const SweepOutcome rb = run_sweep(b);
  CHECK(rb.exit_status == 0);
  CHECK(sweep_json(ra) == sweep_json(rb));
  CHECK(test::read_text(ra.dir + "/sweep.csv") == test::read_text(rb.dir + "/sweep.csv"));

  SweepOptions c = options(dir, "slurm");
  c.slurm = true;
  const std::string bin = fake_slurm(dir);
  c.slurm_options.sbatch = bin + "/sbatch";
  c.slurm_options.squeue = bin + "/squeue";
  c.slurm_options.scancel = bin + "/scancel";
  c.slurm_options.poll_seconds = 0.1;
  c.slurm_options.array_limit = 2;
  const SweepOutcome rc = run_sweep(c);
  CHECK(rc.exit_status == 0);
  CHECK(rc.ran == 6);
  CHECK(sweep_json(ra) == sweep_json(rc));
  // the job script: readable, resubmittable, one task per point to run
  const std::string script = test::read_text(rc.dir + "/sweep.sbatch");
  CHECK(script.find("#SBATCH --array=0-5%2") != std::string::npos);
  CHECK(script.find("sweep run-point") != std::string::npos);
  const json rec = json::parse(test::read_text(rc.dir + "/slurm.json"));
  CHECK(rec["tasks"].size() == 6);
  CHECK(rec["ended"] == true);

  // every ok point's cycles equal the analytic model's from the simulation library (the
  // same function `zasgen sim` reports as model cycles): checked by hand for one point
  const json& p0 = ra.sweep["points"][0];
  CHECK(p0["results"][0]["cycles"].get<int>() > 0);
  CHECK(p0["results"][0]["speedup"].get<double>() ==
        Approx(p0["results"][0]["dense_cycles"].get<double>() /
               p0["results"][0]["cycles"].get<double>()));
}

TEST_CASE("a rerun resumes: failed and killed points are retried, and only they", "[sweep][exec]") {
  const std::string dir = test::scratch("exec-resume");
  SweepOptions o = options(dir, "out");
  o.jobs = 2;
  const SweepOutcome first = run_sweep(o);
  REQUIRE(first.exit_status == 0);
  const std::string bytes = sweep_json(first);

  const SweepOutcome again = run_sweep(o);
  CHECK(again.ran == 0);
  CHECK(again.exit_status == 0);
  CHECK(sweep_json(again) == bytes);

  // a point whose run failed is retried
  const std::string failed = first.dir + "/" + first.plan.points[1].dir + "/result.json";
  json r = json::parse(test::read_text(failed));
  r["status"] = "failed";
  test::write_text(failed, r.dump());
  // and so is one whose result was never written
  fs::remove(first.dir + "/" + first.plan.points[4].dir + "/result.json");
  const SweepOutcome retry = run_sweep(o);
  CHECK(retry.ran == 2);
  CHECK(retry.exit_status == 0);
  CHECK(sweep_json(retry) == bytes);

  // a Slurm task that is killed leaves its point failed (exit 4) until a rerun redoes it
  SweepOptions s = options(dir, "slurm");
  s.slurm = true;
  s.slurm_options.sbatch = fake_slurm(dir, 1) + "/sbatch";
  s.slurm_options.squeue = dir + "/fake-slurm/squeue";
  s.slurm_options.scancel = dir + "/fake-slurm/scancel";
  s.slurm_options.poll_seconds = 0.1;
  const SweepOutcome killed = run_sweep(s);
  CHECK(killed.exit_status == 4);
  CHECK(killed.sweep["counts"]["failed"] == 1);
  std::string lost;
  for (const json& p : killed.sweep["points"])
    if (p["status"] == "failed") lost = p["error"]["message"].get<std::string>();
  CHECK(lost.find("CANCELLED") != std::string::npos);
  s.slurm_options.sbatch = fake_slurm(dir) + "/sbatch";
  const SweepOutcome resumed = run_sweep(s);
  CHECK(resumed.exit_status == 0);
  CHECK(resumed.ran == 1);
  CHECK(sweep_json(resumed) == bytes);

  // --redo recomputes everything, to the same results
  o.redo = true;
  const SweepOutcome redo = run_sweep(o);
  CHECK(redo.ran == 6);
  CHECK(sweep_json(redo) == bytes);
}

TEST_CASE("run-point is the unit of work: a done point returns at once", "[sweep][exec]") {
  const std::string dir = test::scratch("exec-run-point");
  SweepOptions o = options(dir, "out");
  o.dry_run = true;
  const SweepOutcome plan = run_sweep(o);
  CHECK(plan.ran == 0);
  const std::string point = plan.dir + "/" + plan.plan.points[0].dir;
  CHECK(fs::exists(point + "/config.yaml"));
  CHECK(fs::exists(point + "/point.json"));
  CHECK_FALSE(fs::exists(point + "/result.json"));
  // an invalid point's result is written by the planner, with its diagnostics
  const std::string invalid = plan.dir + "/" + plan.plan.points[2].dir;
  CHECK(json::parse(test::read_text(invalid + "/result.json"))["status"] == "invalid");
  CHECK(test::read_text(invalid + "/diagnostics.txt").find("E302") != std::string::npos);

  const std::string cmd = std::string("'") + ZASGEN_BIN + "' sweep run-point '" + point + "' >'" +
                          dir + "/out1.txt' 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
  const json r = json::parse(test::read_text(point + "/result.json"));
  CHECK(r["status"] == "ok");
  CHECK(r["results"].size() == 2);
  const std::string again = std::string("'") + ZASGEN_BIN + "' sweep run-point '" + point + "' >'" +
                            dir + "/out2.txt' 2>&1";
  CHECK(std::system(again.c_str()) == 0);
  CHECK(test::read_text(dir + "/out2.txt").find("already done") != std::string::npos);
  // not a point's folder: invalid input
  const std::string bad =
      std::string("'") + ZASGEN_BIN + "' sweep run-point '" + dir + "' >/dev/null 2>&1";
  const int st = std::system(bad.c_str());
  CHECK(WEXITSTATUS(st) == 1);
}

TEST_CASE("an invalid sweep file exits 1 with its diagnostics", "[sweep][exec]") {
  const std::string dir = test::scratch("exec-bad-file");
  test::write_text(dir + "/bad.yaml", test::tiny_sweep("axes: {arch.pez: [2]}\nmeasure: [area]\n"));
  const std::string cmd =
      std::string("cd '") + dir + "' && '" + ZASGEN_BIN + "' sweep bad.yaml >out.txt 2>err.txt";
  const int st = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(st) == 1);
  const std::string err = test::read_text(dir + "/err.txt");
  CHECK(err.find("bad.yaml:2:8: error[E504]") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/out/sweeps/bad"));  // nothing written
}

// The sweeps shipped in configs/sweeps plan from the project root with every point valid.
TEST_CASE("the shipped sweep files plan with every point valid", "[sweep][exec]") {
  const std::string root = test::repo_path("");
  const std::string dir = test::scratch("exec-shipped");
  for (const auto& e : fs::directory_iterator(root + "/configs/sweeps")) {
    INFO(e.path().string());
    const std::string out = dir + "/" + e.path().stem().string();
    const std::string cmd = "cd '" + root + "' && '" + ZASGEN_BIN + "' sweep '" +
                            e.path().string() + "' --dry-run -o '" + out + "' >'" + out +
                            ".txt' 2>&1";
    const int st = std::system(cmd.c_str());
    INFO(test::read_text(out + ".txt"));
    CHECK(WEXITSTATUS(st) == 0);
    CHECK(test::read_text(out + ".txt").find(", 0 invalid,") != std::string::npos);
  }
}
