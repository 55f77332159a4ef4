// The driver of the module-level tests: for each module config, generate the design, build
// the module's harness with Verilator, run it with the test seed and require its PASS line;
// for the first config also run it with --inject-error and require that it fails, so a checker
// that cannot fail does not go unnoticed (Verilator's `_bad` tests).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>

#include "module_configs.h"
#include "rtl_test_util.h"

namespace zasgen::rtl::test {

struct ModuleTest {
  std::string role;     // module <name>_<role>, or the tag of a wrapper
  std::string harness;  // tests/rtl/harness/<harness>
  uint64_t seed_offset = 0;
  long iters = 0;  // 0: the harness default
  // Builds the harness spec; the default verilates <name>_<role> from the design's files.
  std::function<HarnessSpec(const PreparedConfig&, const std::string& dir)> spec;
};

inline HarnessSpec default_spec(const ModuleTest& t, const PreparedConfig& pc) {
  HarnessSpec s;
  s.top = pc.params.name + "_" + t.role;
  s.harness = t.harness;
  s.verilog = pc.design.verilog;
  return s;
}

inline void run_module_test(const ModuleTest& t, const std::vector<std::string>& config_names) {
  const uint64_t seed = base_seed() + t.seed_offset;
  std::printf("[%s] seed %llu (ZASGEN_TEST_SEED=%llu)\n", t.role.c_str(),
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(base_seed()));
  bool first = true;
  for (const ModuleConfig& mc : module_configs()) {
    if (std::find(config_names.begin(), config_names.end(), mc.name) == config_names.end())
      continue;
    INFO("config " << mc.name << ", seed " << seed);
    ScratchDir dir(t.role + "-" + mc.name);
    const PreparedConfig pc = prepare_config(mc, dir.str());
    HarnessSpec spec = t.spec ? t.spec(pc, dir.str()) : default_spec(t, pc);
    spec.cfg_header = std::string("#pragma once\n#define DUT_HAS_TABLE ") +
                      (pc.params.format == Format::Dense ? "0" : "1") + "\n";
    const HarnessBuild b = build_harness(spec, dir.str());
    const std::string iters = t.iters ? "--iters " + std::to_string(t.iters) : "";
    const RunResult r = run_harness(b, pc.config_path, seed, iters);
    INFO(tail(r.out));
    CHECK(passed(r));
    std::printf("[%s] %-10s build %5.1f s, run %5.1f s: %s", t.role.c_str(), mc.name.c_str(),
                b.seconds, r.seconds, tail(r.out, 1).c_str());
    if (first) {
      // The same harness with one expectation corrupted must report a mismatch.
      const RunResult bad = run_harness(b, pc.config_path, seed, iters + " --inject-error");
      INFO("with --inject-error:\n" << tail(bad.out));
      CHECK(bad.rc == 1);
      CHECK(bad.out.find("MISMATCH") != std::string::npos);
      first = false;
    }
  }
  CHECK_FALSE(first);  // at least one config ran
}

}  // namespace zasgen::rtl::test
