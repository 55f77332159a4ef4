#include "zasgen/app/sweep_point.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "sweep_util.h"
#include "zasgen/config.h"
#include "zasgen/error.h"
#include "zasgen/fs_util.h"
#include "zasgen/rtl/elaborate.h"
#include "zasgen/sim/cycle_model.h"
#include "zasgen/sim/scheduler.h"
#include "zasgen/sim/tool.h"
#include "zasgen/util.h"

namespace zasgen::app {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;
using sweep_util::now_seconds;
using sweep_util::slurp;

const char* to_string(PointStatus s) {
  switch (s) {
    case PointStatus::Pending:
      return "pending";
    case PointStatus::Ok:
      return "ok";
    case PointStatus::Invalid:
      return "invalid";
    case PointStatus::Failed:
      return "failed";
  }
  return "?";
}

namespace {

// A diagnostic list as the JSON objects of render_json.
ojson diagnostics_json(const Diagnostics& d) {
  return ojson::parse(render_json(d));
}

std::string absolute(const std::string& path) {
  return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

// The `zasgen` commands that redo the point's measurements by hand, from inside its folder.
ojson rerun_commands(const SweepSpec& s) {
  ojson cmds = ojson::array();
  for (const Workload& w : s.workloads) {
    if (!s.measures(Measure::Sim) && !s.measures(Measure::Model)) break;
    std::string c = "zasgen sim config.yaml --layer " + w.layer;
    if (w.sparsity >= 0) c += fmt::format(" --sparsity {}", w.sparsity);
    if (w.pattern != "uniform") c += " --pattern " + w.pattern;
    c += fmt::format(" --seed {}", w.seed);
    if (!w.ifmap.empty()) c += " --ifmap " + absolute(w.ifmap);
    if (!w.weights.empty()) c += " --weights " + absolute(w.weights);
    if (!w.bias.empty()) c += " --bias " + absolute(w.bias);
    cmds.push_back(c + " -o manual");
  }
  if (s.measures(Measure::Ppa) || s.measures(Measure::Area)) {
    std::string c = "zasgen synth config.yaml -o manual";
    if (!s.measures(Measure::Ppa)) {
      c += " --no-power --no-dense";
    } else if (!s.workloads.empty()) {
      c += " --layer " + s.workloads.front().layer;
      if (s.workloads.front().sparsity >= 0)
        c += fmt::format(" --sparsity {}", s.workloads.front().sparsity);
    }
    cmds.push_back(c);
  }
  return cmds;
}

void write_result(const fs::path& dir, const ojson& r) {
  write_file_atomically((dir / "result.json").string(), r.dump(2) + "\n");
}

sim::CaseOptions case_options(const Workload& w) {
  sim::CaseOptions co;
  co.layer = w.layer;
  co.sparsity = w.sparsity;
  co.pattern = w.pattern == "clustered" ? model::Pattern::Clustered : model::Pattern::Uniform;
  co.seed = w.seed;
  co.ifmap = w.ifmap;
  co.weights = w.weights;
  co.bias = w.bias;
  return co;
}

// prepare_design with the design's RTL as a lock name: concurrent points that need the same
// simulator (a dense twin shared by every format of one PE count) build it once, the others
// wait and find it in the cache.
sim::Design prepare_locked(const ArchParams& p, const std::string& dir, const std::string& cache) {
  std::string key;
  for (const rtl::OutputFile& f : rtl::generate_files(p, {}))
    if (f.path.rfind("rtl/", 0) == 0) key += f.path + "\n" + f.text + "\n";
  const sweep_util::FileLock lock(
      (fs::path(cache) / "locks" / fmt::format("{:016x}.lock", fnv1a(key))).string());
  return sim::prepare_design(p, dir, cache);
}

const ojson& at(const ojson& j, const char* key) {
  static const ojson null_value;  // read-only
  return j.contains(key) ? j[key] : null_value;
}

// Sums over the workloads and the whole-set speedup (total dense over total sparse cycles).
void aggregate(ojson& r) {
  const ojson& results = r["results"];
  if (results.empty()) return;
  double cycles = 0, dense = 0, model = 0, model_dense = 0;
  bool have_dense = true, have_model = true, have_mismatch = true;
  int64_t mismatches = 0;
  for (const ojson& w : results) {
    cycles += w["cycles"].get<double>();
    if (w["dense_cycles"].is_number())
      dense += w["dense_cycles"].get<double>();
    else
      have_dense = false;
    if (at(w, "model_cycles").is_number() && at(w, "model_dense_cycles").is_number()) {
      model += w["model_cycles"].get<double>();
      model_dense += w["model_dense_cycles"].get<double>();
    } else {
      have_model = false;
    }
    if (w["mismatches"].is_number())
      mismatches += w["mismatches"].get<int64_t>();
    else
      have_mismatch = false;
  }
  r["cycles"] = uint64_t(cycles);
  r["dense_cycles"] = have_dense ? ojson(uint64_t(dense)) : ojson(nullptr);
  r["speedup"] = have_dense && cycles > 0 ? ojson(dense / cycles) : ojson(nullptr);
  r["mismatches"] = have_mismatch ? ojson(mismatches) : ojson(nullptr);
  if (have_model && model > 0) r["model_speedup"] = model_dense / model;
}

}  // namespace

void write_point(const std::string& sweep_dir, const PlannedPoint& p, const SweepSpec& s,
                 const SweepPlan& plan, const std::string& cache_root) {
  const fs::path dir = fs::path(sweep_dir) / p.dir;
  fs::create_directories(dir);
  sweep_util::write_if_changed((dir / kPointConfig).string(), p.config_text);
  ojson j;
  j["id"] = p.hash;
  j["index"] = p.index;
  j["sweep"] = s.file;
  j["base"] = s.base;
  j["params"] = p.params;
  j["config"] = kPointConfig;
  j["workloads"] = ojson::array();
  for (const Workload& w : s.workloads) {
    ojson wj = w.to_json();
    for (const char* k : {"ifmap", "weights", "bias"})
      if (wj.contains(k)) wj[k] = absolute(wj[k].get<std::string>());
    j["workloads"].push_back(wj);
  }
  j["measure"] = ojson::array();
  for (Measure m : s.measure) j["measure"].push_back(to_string(m));
  j["cache"] = absolute(cache_root);
  j["tool_version"] = plan.tool_version;
  j["rerun"] = rerun_commands(s);
  sweep_util::write_if_changed((dir / "point.json").string(), j.dump(2) + "\n");
  if (!p.valid()) {
    if (read_point(dir.string(), p.hash).status == PointStatus::Invalid) return;
    ojson r;
    r["id"] = p.hash;
    r["status"] = "invalid";
    r["exit_status"] = 0;
    r["diagnostics"] = diagnostics_json(p.diags);
    sweep_util::write_if_changed((dir / "diagnostics.txt").string(), render_text(p.diags, {false}));
    write_result(dir, r);
  }
}

PointState read_point(const std::string& point_dir, const std::string& hash) {
  PointState st;
  const fs::path f = fs::path(point_dir) / "result.json";
  std::error_code ec;
  if (!fs::exists(f, ec)) return st;
  try {
    st.result = ojson::parse(slurp(f.string()));
  } catch (const nlohmann::json::exception&) {
    return st;
  }
  if (!st.result.is_object() || st.result.value("id", "") != hash) return {};
  const std::string s = st.result.value("status", "");
  st.status = s == "ok"        ? PointStatus::Ok
              : s == "invalid" ? PointStatus::Invalid
              : s == "failed"  ? PointStatus::Failed
                               : PointStatus::Pending;
  return st;
}

namespace {

// A stage of a point that failed, as result.json tells it.
struct StageFailure {
  std::string stage, code, message, log;
  Exit exit_status;
};

// Runs f; an Error it throws fails the point at `stage`.
template <class F>
auto in_stage(const char* stage, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    throw StageFailure{stage, e.code_name(), e.what(), e.log_path(), e.exit_status()};
  }
}

// One run of a point: the job (point.json) and its configuration, the result as it fills in,
// and the stages in order. Every way out writes result.json and logs one line.
class PointRun {
 public:
  PointRun(const std::string& point_dir, const nlohmann::json& job, const PointRunOptions& o)
      : point_dir_(point_dir), dir_(point_dir), job_(job), o_(o), t0_(now_seconds()) {
    hash_ = job.at("id").get<std::string>();
    r_["id"] = hash_;
    r_["status"] = "ok";
    r_["exit_status"] = 0;
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    run_["host"] = host;
    if (const char* j = std::getenv("SLURM_ARRAY_JOB_ID")) {
      const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
      run_["slurm_task"] = fmt::format("{}_{}", j, task ? task : "?");
    }
  }

  int run() {
    if (!configure() || !make_cases()) return finish(0);  // invalid: a result, not a failure
    try {
      if (measure_.count("sim"))
        simulate();
      else if (measure_.count("model"))
        model();
      r_["results"] = results_;
      aggregate(r_);
      if (measure_.count("area") || measure_.count("ppa")) synthesize();
    } catch (const StageFailure& f) {
      return fail(f);
    }
    if (mismatches_) {  // each workload logged its own; the point fails as a whole
      r_["status"] = "failed";
      r_["error"] = {{"stage", "simulation"},
                     {"code", "mismatch"},
                     {"message", fmt::format("{} outputs differ from the golden model (inputs "
                                             "kept under mismatch/)",
                                             mismatches_)},
                     {"log", ""}};
      return finish(int(Exit::Mismatch));
    }
    return finish(0);
  }

 private:
  void log(const std::string& s) const {
    if (o_.log) o_.log(s);
  }

  int finish(int exit_status) {
    seconds_["total"] = now_seconds() - t0_;
    r_["exit_status"] = exit_status;
    r_["seconds"] = seconds_;
    r_["run"] = run_;
    write_result(dir_, r_);
    log(fmt::format("point {}: {} in {:.1f} s", hash_, r_["status"].get<std::string>(),
                    seconds_["total"].get<double>()));
    return exit_status;
  }

  int fail(const StageFailure& f) {
    r_["status"] = "failed";
    r_["error"] = {{"stage", f.stage}, {"code", f.code}, {"message", f.message}, {"log", f.log}};
    log(fmt::format("point {}: {} failed: {}{}", hash_, f.stage, f.message,
                    f.log.empty() ? "" : " (see " + f.log + ")"));
    return finish(f.exit_status == Exit::Mismatch      ? int(Exit::Mismatch)
                  : f.exit_status == Exit::ToolFailure ? int(Exit::ToolFailure)
                                                       : int(Exit::Internal));
  }

  void invalid(ojson diagnostics) {
    r_["status"] = "invalid";
    r_["diagnostics"] = std::move(diagnostics);
  }

  // The configuration, read under its own name wherever the folder is (kPointConfig), and what
  // to measure on which workloads.
  bool configure() {
    const ParseResult pr = parse_config_text(slurp((dir_ / kPointConfig).string()), kPointConfig);
    const ValidateResult vr =
        pr.ok() ? validate(*pr.config) : ValidateResult{std::nullopt, pr.diags};
    if (!vr.ok()) {
      invalid(diagnostics_json(vr.diags));
      return false;
    }
    p_ = *vr.params;
    for (const auto& w : job_.at("workloads")) workloads_.push_back(Workload::from_json(w));
    for (const auto& m : job_.at("measure")) measure_.insert(m.get<std::string>());
    cache_ = job_.at("cache").get<std::string>();
    log(fmt::format("point {}: {} ({} workloads; measuring {})", hash_, p_.name, workloads_.size(),
                    fmt::join(measure_, ", ")));
    return true;
  }

  // The workloads' inputs (a layer that does not fit or an unreadable tensor makes the point
  // invalid, as the planner would have said had it read the tensors). Area and ppa alone make
  // their own layer case.
  bool make_cases() {
    if (!measure_.count("sim") && !measure_.count("model")) return true;
    for (const Workload& w : workloads_) {
      try {
        cases_.push_back(sim::make_case(case_options(w), p_));
      } catch (const InputError& e) {
        invalid(ojson::array(
            {{{"severity", "error"}, {"code", e.code_name()}, {"message", e.what()}}}));
        log(fmt::format("point {}: workload {} cannot run: {}", hash_, w.label, e.what()));
        return false;
      }
    }
    return true;
  }

  // A workload's measurement, its label first as the contract reads it.
  void add_result(const Workload& w, const ojson& m) {
    ojson labelled;
    labelled["workload"] = w.label;
    for (auto& [k, v] : m.items())
      if (k != "workload") labelled[k] = v;
    results_.push_back(std::move(labelled));
  }

  // Every workload on the design and its dense twin; mismatching inputs are kept for replay.
  void simulate() {
    double t = now_seconds();
    const auto [sparse, dense] = in_stage("simulator build", [&] {
      return std::pair{prepare_locked(p_, point_dir_, cache_),
                       prepare_locked(p_.dense_twin(), (dir_ / "dense").string(), cache_)};
    });
    seconds_["sim_build"] = now_seconds() - t;
    t = now_seconds();
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      const CaseResult cr =
          in_stage("simulation", [&] { return run_case(sparse, &dense, cases_[i]); });
      add_result(workloads_[i], sim_measurement(cr, p_));
      if (cr.mismatches()) {
        mismatches_ += cr.mismatches();
        const std::string replay = save_replay(cases_[i], point_dir_, kPointConfig);
        log(fmt::format(
            "point {}: workload {}: {} outputs differ from the golden model; replay: {}", hash_,
            workloads_[i].label, cr.mismatches(), replay));
      }
    }
    seconds_["sim"] = now_seconds() - t;
  }

  void model() {
    const double t = now_seconds();
    for (std::size_t i = 0; i < cases_.size(); ++i)
      add_result(workloads_[i], model_measurement(cases_[i], p_));
    seconds_["model"] = now_seconds() - t;
  }

  // Area alone, or area, timing and power on the first workload's layer (with the dense twin).
  void synthesize() {
    const bool power = measure_.count("ppa") > 0;
    const char* stage = power ? "ppa" : "area";
    const double t = now_seconds();
    PpaOptions po;
    po.out_dir = point_dir_;
    po.cache_root = cache_;
    po.power = power;
    po.dense = power;
    if (!workloads_.empty()) {
      po.layer = workloads_.front().layer;
      po.sparsity = workloads_.front().sparsity;
      po.seed = workloads_.front().seed;
    }
    po.jobs = 1;  // the sweep runs points in parallel, not the designs of one point
    const ojson m = in_stage(stage, [&] { return ppa_measurement(run_ppa(p_, po), power); });
    for (auto& [k, v] : m.items()) r_[k] = v;
    seconds_[stage] = now_seconds() - t;
  }

  const std::string point_dir_;
  const fs::path dir_;
  const nlohmann::json& job_;
  const PointRunOptions& o_;
  const double t0_;
  std::string hash_, cache_;
  ArchParams p_;
  std::vector<Workload> workloads_;
  std::set<std::string> measure_;
  std::vector<sim::LayerCase> cases_;
  ojson r_, run_, seconds_, results_ = ojson::array();
  int64_t mismatches_ = 0;
};

}  // namespace

int run_point(const std::string& point_dir, const PointRunOptions& o) {
  const fs::path dir(point_dir);
  const std::string job_text = slurp((dir / "point.json").string());
  if (job_text.empty())
    throw InputError("sweep-point", point_dir, "no point.json: not the folder of a sweep point",
                     "a folder points/<hash>/ of a sweep");
  const nlohmann::json job = nlohmann::json::parse(job_text);
  const std::string hash = job.at("id").get<std::string>();
  const sweep_util::FileLock lock((dir / ".lock").string());
  const PointState st = read_point(point_dir, hash);
  if (st.status == PointStatus::Ok || st.status == PointStatus::Invalid) {
    if (o.log) o.log(fmt::format("point {}: already done ({})", hash, to_string(st.status)));
    return 0;
  }
  std::error_code ec;
  fs::remove(dir / "result.json", ec);
  return PointRun(point_dir, job, o).run();
}

// ---- adapters ----

ojson sim_measurement(const CaseResult& r, const ArchParams& p) {
  const ojson j = to_json(r, p);
  ojson m;
  m["layer"] = j["layer"];
  m["sparsity"] = r.c.sparsity;
  m["cycles"] = j["cycles"];
  m["dense_cycles"] = j["dense_cycles"];
  m["speedup"] = j["speedup"];
  m["mismatches"] = j["mismatches"];
  m["model_cycles"] = at(at(j, "sparse"), "model_cycles");
  m["model_dense_cycles"] = at(at(j, "dense"), "model_cycles");
  m["speedup_limit"] = j["speedup_limit"];
  m["input_sparsity"] = j["input_sparsity"];
  m["nonzeros"] = j["nonzeros"];
  m["macs_issued"] = j["macs_issued"];
  m["storage_bits"] = j["storage_bits"];
  m["dense_storage_bits"] = j["dense_storage_bits"];
  m["lane_utilization"] = at(at(j, "sparse"), "lane_utilization");
  return m;
}

ojson model_measurement(const sim::LayerCase& c, const ArchParams& p) {
  auto estimate = [&](const ArchParams& a) {
    const sim::Plan plan = sim::plan_layer(c.layer, a, c.in.act);
    return sim::estimate_layer(c.layer, a, c.in.act, plan, true).cycles;
  };
  const uint64_t sparse = estimate(p), dense = estimate(p.dense_twin());
  ojson m;
  m["layer"] = c.name;
  m["sparsity"] = c.sparsity;
  m["cycles"] = sparse;
  m["dense_cycles"] = dense;
  m["speedup"] = sparse ? double(dense) / double(sparse) : 0.0;
  m["mismatches"] = nullptr;
  m["model_cycles"] = sparse;
  m["model_dense_cycles"] = dense;
  return m;
}

ojson ppa_measurement(const PpaResult& r, bool power) {
  const ojson j = to_json(r);
  ojson m;
  m["area_um2"] = at(j, "area_um2");
  m["logic_area_um2"] = at(at(j, "sparse"), "logic_area_um2");
  m["sram_area_um2"] = at(j, "sram_area_um2");
  if (!power) return m;
  m["fmax_mhz"] = at(j, "fmax_mhz");
  m["power_mw"] = at(j, "power_mw");
  m["energy_uj"] = at(j, "energy_uj");
  m["tops_per_w"] = j.contains("tops_per_w") ? j["tops_per_w"] : at(j, "tops_per_w_effective");
  m["ppa_layer"] = at(j, "activity_layer");
  m["ppa_speedup"] = at(j, "speedup");
  m["dense_area_um2"] = at(at(j, "dense"), "area_um2");
  m["area_overhead"] = at(j, "area_overhead");
  return m;
}

double central(const ojson& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_object() && v.contains("central") && v["central"].is_number())
    return v["central"].get<double>();
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace zasgen::app
