// `zasgen bench` end to end, in its quick variants (what CI runs): the suites simulate the
// default design and its dense twin, write their JSON and Markdown, and assemble the report.
// The scratch directory keeps the designs, the Verilator cache and the reports, so a rerun finds
// its simulators built: the first run builds the default design and its dense twin (1-3 min on
// two shared cores), a rerun takes ~30 s.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The simulation tests' scratch directory when the build defines one (its Verilator cache is
// shared with them), else bench-scratch/ under the working directory.
fs::path scratch() {
#ifdef ZASGEN_SIM_SCRATCH
  return fs::path(ZASGEN_SIM_SCRATCH);
#else
  return fs::absolute("bench-scratch");
#endif
}

std::string config() {
  return std::string(ZASGEN_TEST_DIR) + "/../configs/default.yaml";
}

// Runs zasgen in the scratch directory; returns the exit status.
int zasgen(const std::string& args, const std::string& log) {
  fs::create_directories(scratch());
  const std::string cmd =
      "cd '" + scratch().string() + "' && '" + ZASGEN_BIN + "' " + args + " >'" + log + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  return rc == -1 ? -1 : (WIFEXITED(rc) ? WEXITSTATUS(rc) : 128);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json load(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in.good());
  return json::parse(in);
}

bool have_gnuplot() {
  return std::system("gnuplot --version >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("bench sparsity --quick: speedup near the limit at every uniform point", "[bench]") {
  const fs::path out = scratch() / "bench";
  const fs::path log = scratch() / "bench-sparsity.log";
  const fs::path js = scratch() / "bench-sparsity.json";
  fs::remove(js);
  const int rc = zasgen("bench sparsity '" + config() + "' --quick --out '" + out.string() +
                            "' --json '" + js.string() + "'",
                        log.string());
  INFO(slurp(log));
  REQUIRE(rc == 0);
  const json j = load(js);
  CHECK(j["suite"] == "sparsity");
  CHECK(j["quick"] == true);
  CHECK(j["mismatches"] == 0);
  REQUIRE(j["points"].size() == 6);  // 0, 50, 90% x uniform, clustered
  for (const json& p : j["points"]) {
    INFO(p["pattern"] << " " << p["sparsity"]);
    for (const char* k : {"cycles", "dense_cycles", "speedup", "limit", "fraction_of_limit",
                          "model_speedup", "measured_sparsity", "detail"})
      CHECK(p.contains(k));
    CHECK(p["mismatches"] == 0);
    CHECK(p["cycles"].get<double>() > 0);
    CHECK(p["dense_cycles"].get<double>() >= p["cycles"].get<double>() * 0.99);
    const double s = p["speedup"], lim = p["limit"];
    CHECK(s == Approx(double(p["dense_cycles"]) / double(p["cycles"])));
    CHECK(lim == Approx(1.0 / (1.0 - double(p["sparsity"]))).epsilon(0.01));
    if (p["pattern"] == "uniform") {
      CHECK(s >= 0.9 * lim);
      CHECK(s <= 1.1 * lim);
    }
    // The analytic model tracks the RTL within a few percent.
    CHECK(double(p["model_speedup"]) == Approx(s).epsilon(0.05));
  }
  // The headline point is one of the simulated points, and the report quotes it as measured.
  const json& at90 = j["at_90"]["uniform"];
  bool found = false;
  for (const json& p : j["points"])
    found = found || (p["pattern"] == "uniform" && p["sparsity"] == 0.9 &&
                      p["speedup"].get<double>() == at90["speedup"].get<double>());
  CHECK(found);
  const fs::path reports = out / "reports";
  CHECK(fs::exists(reports / "bench_sparsity.json"));
  const std::string md = slurp(reports / "report.md");
  CHECK(md.find("Speedup over the dense baseline vs input sparsity") != std::string::npos);
  CHECK(md.find(fmt::format("{:.2f}x", at90["speedup"].get<double>())) != std::string::npos);
  CHECK(fs::exists(reports / "report.html"));
  if (have_gnuplot()) {
    CHECK(fs::exists(reports / "plots" / "sparsity.svg"));
    CHECK(md.find("![") != std::string::npos);
  }
}

TEST_CASE("bench vgg16 --quick: 13 layers per profile, whole-network speedup and limits",
          "[bench]") {
  const fs::path out = scratch() / "bench";
  const fs::path log = scratch() / "bench-vgg16.log";
  const fs::path js = scratch() / "bench-vgg16.json";
  fs::remove(js);
  const int rc = zasgen("bench vgg16 '" + config() + "' --quick --jobs 1 --out '" + out.string() +
                            "' --json '" + js.string() + "'",
                        log.string());
  INFO(slurp(log));
  REQUIRE(rc == 0);
  const json j = load(js);
  {
    // The layers run on two workers give the same figures, in the same order.
    const fs::path js2 = scratch() / "bench-vgg16-j2.json";
    const fs::path log2 = scratch() / "bench-vgg16-j2.log";
    const int rc2 = zasgen("bench vgg16 '" + config() + "' --quick --jobs 2 --out '" +
                               out.string() + "' --json '" + js2.string() + "'",
                           log2.string());
    INFO(slurp(log2));
    REQUIRE(rc2 == 0);
    const json j2 = load(js2);
    REQUIRE(j2["profiles"].size() == j["profiles"].size());
    for (size_t k = 0; k < j["profiles"].size(); ++k) {
      const json &a = j["profiles"][k], &b = j2["profiles"][k];
      CHECK(a["network"] == b["network"]);
      REQUIRE(a["layers"].size() == b["layers"].size());
      for (size_t i = 0; i < a["layers"].size(); ++i) {
        CHECK(a["layers"][i]["layer"] == b["layers"][i]["layer"]);
        CHECK(a["layers"][i]["cycles"] == b["layers"][i]["cycles"]);
        CHECK(a["layers"][i]["dense_cycles"] == b["layers"][i]["dense_cycles"]);
      }
    }
  }
  CHECK(j["suite"] == "vgg16");
  CHECK(j["mismatches"] == 0);
  // The MAC-weighted limit of Han's profile at full shapes (1.62x from the published table),
  // computed.
  CHECK(j["limit_published_full_shapes"].get<double>() == Approx(1.62).margin(0.005));
  const double alpha = j["density_scale_paper_implied"];
  CHECK(alpha > 0);
  CHECK(alpha < 1);
  REQUIRE(j["profiles"].size() == 2);
  double speedup_pub = 0, speedup_sparser = 0;
  for (const json& prof : j["profiles"]) {
    INFO(prof["id"]);
    REQUIRE(prof["layers"].size() == 13);
    CHECK(prof["skipped"].empty());
    for (const json& l : prof["layers"]) {
      INFO(l["layer"]);
      CHECK(l["mismatches"] == 0);
      CHECK(l["speedup"].get<double>() >= 0.99);
      CHECK(l["speedup"].get<double>() <= 1.05 * l["limit"].get<double>());
    }
    CHECK(prof["layers"][0]["zero_fraction"] == 0.0);  // conv1_1 reads the image
    const json& n = prof["network"];
    CHECK(n["complete"] == true);
    CHECK(n["speedup"].get<double>() == Approx(double(n["dense_cycles"]) / double(n["cycles"])));
    CHECK(n["speedup"].get<double>() > 1);
    CHECK(n["fraction_of_limit"].get<double>() > 0.5);
    CHECK(n["fraction_of_limit"].get<double>() <= 1.05);
    CHECK(n["fraction_of_limit"].get<double>() ==
          Approx(n["speedup"].get<double>() / n["limit"].get<double>()));
    (prof["id"] == "published" ? speedup_pub : speedup_sparser) = n["speedup"];
  }
  CHECK(speedup_sparser > speedup_pub);
  // The dense twin runs once per layer, on the first profile's input: its cycles depend on the
  // shape only, and the analytic model predicts the same dense cycles on the other profile's
  // input, so that profile takes the same figures.
  for (size_t i = 0; i < 13; ++i) {
    const json &a = j["profiles"][0]["layers"][i], &b = j["profiles"][1]["layers"][i];
    INFO(a["layer"]);
    CHECK(a["dense_twin_input"] == "published");
    CHECK(b["dense_twin_input"] == "published");
    CHECK(b["dense_cycles"] == a["dense_cycles"]);
    CHECK(b["simulated_cycles"].get<uint64_t>() < a["simulated_cycles"].get<uint64_t>());
  }
  const std::string md = slurp(out / "reports" / "report.md");
  CHECK(md.find("VGG16, layer by layer") != std::string::npos);
  CHECK(md.find("Assumption") != std::string::npos);
  // The report quotes the measured whole-network speedups, not just the paper's.
  CHECK(md.find(fmt::format("{:.2f}x", speedup_pub)) != std::string::npos);
  CHECK(md.find(fmt::format("{:.2f}x", speedup_sparser)) != std::string::npos);
}

// The energy suite on the tiny design (its netlist is small enough for CI): every layer powered
// under its own activity, the first synthesizing the netlist and the others reusing it, and the
// network's figures the sums of the layers'.
TEST_CASE("bench energy --quick: VGG16 energy layer by layer and per image", "[bench]") {
  const fs::path out = scratch() / "bench-energy";
  const fs::path log = scratch() / "bench-energy.log";
  const fs::path js = scratch() / "bench-energy.json";
  fs::remove(js);
  const std::string tiny = std::string(ZASGEN_TEST_DIR) + "/../configs/tiny.yaml";
  const int rc = zasgen("bench energy '" + tiny + "' --quick --out '" + out.string() +
                            "' --json '" + js.string() + "'",
                        log.string());
  INFO(slurp(log));
  REQUIRE(rc == 0);
  const json j = load(js);
  CHECK(j["suite"] == "energy");
  CHECK(j["mismatches"] == 0);
  REQUIRE(j["layers"].size() + j["skipped"].size() == 13);
  REQUIRE(j["layers"].size() >= 10);
  double central = 0, low = 0, high = 0, macs = 0;
  int cached = 0;
  for (const json& l : j["layers"]) {
    INFO(l["layer"]);
    const json& e = l["energy_uj"];
    CHECK(e["low"].get<double>() > 0);
    CHECK(e["low"].get<double>() < e["central"].get<double>());
    CHECK(e["central"].get<double>() < e["high"].get<double>());
    central += e["central"].get<double>();
    low += e["low"].get<double>();
    high += e["high"].get<double>();
    macs += l["macs"].get<double>();
    cached += l["netlist_cached"].get<bool>();
    // Effective TOPS/W = 2 x dense MACs / energy.
    CHECK(l["tops_per_w"]["central"].get<double>() ==
          Approx(2 * l["macs"].get<double>() / (e["central"].get<double>() * 1e-6) / 1e12));
  }
  // Whatever the cache held before, every layer after the first finds the netlist there.
  CHECK(cached >= int(j["layers"].size()) - 1);
  const json& n = j["network_energy"];
  CHECK(n["energy_uj"]["central"].get<double>() == Approx(central));
  CHECK(n["energy_uj"]["low"].get<double>() == Approx(low));
  CHECK(n["energy_uj"]["high"].get<double>() == Approx(high));
  CHECK(n["tops_per_w"]["central"].get<double>() == Approx(2 * macs / (central * 1e-6) / 1e12));
  CHECK(n["tops_per_w"]["low"].get<double>() == Approx(2 * macs / (high * 1e-6) / 1e12));
  // Sparser layers do less work per dense MAC: the sparsest beats the image layer.
  CHECK(j["layers"].back()["tops_per_w"]["central"].get<double>() >
        j["layers"][0]["tops_per_w"]["central"].get<double>());
  const std::string md = slurp(out / "reports" / "report.md");
  CHECK(md.find("VGG16 energy per image") != std::string::npos);
  CHECK(md.find(fmt::format("{:.2f} TOPS/W", n["tops_per_w"]["central"].get<double>())) !=
        std::string::npos);
}
