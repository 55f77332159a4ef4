// The configurations the module tests build their harnesses for: the shipped tiny design plus
// small inline designs chosen to differ from it in every way a module cares about: each
// storage format (and dense mode), odd data widths (5..16 bits), non-square kernels from 5x1 to
// 7x7, several lanes, weight banks that do not divide the taps, strides 1/2/4 and extreme index
// widths (rle with 1-bit runs: almost every zero is a filler).
#pragma once

#include <string>
#include <vector>

#include "rtl_test_util.h"

namespace zasgen::rtl::test {

struct ModuleConfig {
  std::string name;  // design name (prefix of the module names)
  std::string yaml;  // empty: configs/<name>.yaml
};

inline const std::vector<ModuleConfig>& module_configs() {
  static const std::vector<ModuleConfig> configs = {
      {"tiny", ""},
      {"odd_bitmap", R"(name: odd_bitmap
arch: {mode: sparse, pes: 6, lanes: 3}
data: {act_bits: 7, weight_bits: 5}
kernel: {max_r: 2, max_s: 3, strides: [1, 2, 4], max_pad: 2}
limits: {max_h: 11, max_w: 13, max_c: 9, max_k: 14}
sparse: {format: bitmap, index_bits: 5}
memory:
  act_in: {capacity_kib: 0.5, table_kib: 0.25}
  weights: {capacity_kib: 0.5, banks: 4}
  psum: {capacity_kib: 17}
output: {pool: true}
)"},
      {"odd_coord", R"(name: odd_coord
arch: {mode: sparse, pes: 5, lanes: 1}
data: {act_bits: 5, weight_bits: 11}
kernel: {max_r: 5, max_s: 1, strides: [2], max_pad: 3}
limits: {max_h: 17, max_w: 19, max_c: 7, max_k: 11}
sparse: {format: coord, index_bits: 6}
memory:
  act_in: {capacity_kib: 0.75, table_kib: 0.125}
  weights: {capacity_kib: 0.5, banks: 2}
  psum: {capacity_kib: 11}
output: {pool: false}
)"},
      {"odd_dense", R"(name: odd_dense
arch: {mode: dense, pes: 2, lanes: 2}
data: {act_bits: 13, weight_bits: 3}
kernel: {max_r: 7, max_s: 7, strides: [1, 4], max_pad: 4}
limits: {max_h: 15, max_w: 23, max_c: 5, max_k: 6}
memory:
  act_in: {capacity_kib: 1}
  weights: {capacity_kib: 1, banks: 7}
  psum: {capacity_kib: 17}
output: {pool: true}
)"},
      {"odd_rle", R"(name: odd_rle
arch: {mode: sparse, pes: 7, lanes: 7}
data: {act_bits: 16, weight_bits: 16, acc_bits: 41}
kernel: {max_r: 3, max_s: 2, strides: [4, 1], max_pad: 1}
limits: {max_h: 9, max_w: 10, max_c: 8, max_k: 7}
sparse: {format: rle, index_bits: 1}
memory:
  act_in: {capacity_kib: 1.25, table_kib: 0.125}
  weights: {capacity_kib: 1, banks: 1}
  psum: {capacity_kib: 60}
output: {pool: true}
)"},
  };
  return configs;
}

// A module config written out for the harness (which reads it with load_config) and its
// generated design.
struct PreparedConfig {
  std::string config_path;
  ArchParams params;
  DesignFiles design;
};

inline PreparedConfig prepare_config(const ModuleConfig& mc, const std::string& dir) {
  PreparedConfig pc;
  if (mc.yaml.empty()) {
    pc.config_path = repo_path("configs/" + mc.name + ".yaml");
    pc.params = shipped_params(mc.name);
  } else {
    pc.config_path = dir + "/" + mc.name + ".yaml";
    write_text(pc.config_path, mc.yaml);
    ValidateResult r = validate_text(mc.yaml, pc.config_path);
    if (!r.params) throw std::runtime_error("module config " + mc.name + " does not validate");
    pc.params = *r.params;
  }
  pc.design = write_design_files(pc.params, dir + "/design");
  return pc;
}

}  // namespace zasgen::rtl::test
