// Config -> ArchParams: defaults, ranges, rules, derived geometry.
#include <algorithm>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "config_test_util.h"
#include "zasgen/util.h"

using namespace zasgen;
using zasgen::test::check_text;
using zasgen::test::code_of;
using zasgen::test::repo_path;

TEST_CASE("default.yaml: derived values computed by hand", "[validate]") {
  const ValidateResult r = load_config(repo_path("configs/default.yaml"));
  INFO(render_text(r.diags));
  REQUIRE(r.ok());
  const ArchParams& p = *r.params;
  CHECK(p.name == "default");
  CHECK(p.mode == Mode::Sparse);
  CHECK(p.format == Format::Coord);
  CHECK(p.pes == 16);
  CHECK(p.lanes == 1);
  CHECK(p.act_bits == 8);
  CHECK(p.weight_bits == 8);
  // 512*3*3 = 4608 products, each in [-128*127, 128*128] = [-16256, 16384]:
  // the sum reaches 75,497,472 > 2^26, so 27 magnitude bits + sign.
  CHECK(p.acc_bits == 28);
  CHECK(p.bias_bits == 16);
  CHECK(p.shift_bits == 6);  // clog2(28 + 1 + 16 + 1 = 46)
  CHECK(p.strides == std::vector<int>{1, 2});
  CHECK(p.index_bits == 8);   // clog2(224)
  CHECK(p.entry_bits == 16);  // value 8 + column 8
  CHECK(p.table_bits == 8);   // row count 0..224: clog2(225)
  // Buffer A: 128 KiB = 1,048,576 bits over 16 banks of 16-bit entries.
  CHECK(p.act_in.banks == 16);
  CHECK(p.act_in.depth == 4096);
  CHECK(p.act_in.width == 16);
  CHECK(p.act_in.addr_bits() == 12);
  // Its table: 16 KiB = 131,072 bits over 16 banks of 8-bit words.
  CHECK(p.act_in_table.banks == 16);
  CHECK(p.act_in_table.depth == 1024);
  CHECK(p.act_in_table.width == 8);
  CHECK(p.act_out.depth == 4096);
  CHECK(p.act_out_table.depth == 1024);
  // Weights: 1,048,576 bits over 3 banks of 16*8 = 128 bits: 2730.67 -> 2730.
  CHECK(p.weights.banks == 3);
  CHECK(p.weights.width == 128);
  CHECK(p.weights.depth == 2730);
  CHECK(p.weight_rows_per_channel(3, 3) == 3);
  // Partial sums, in registers: 38 KiB / 2 sets = 155,648 bits over 9 banks of 16*28 = 448
  // bits: 38.6 words.
  CHECK(p.psum_storage == PsumStorage::Registers);
  CHECK(p.psum.banks == 9);
  CHECK(p.psum.width == 448);
  CHECK(p.psum.depth == 38);
  CHECK(p.psum.addr_bits() == 6);
  // In SRAM (psum-sram.yaml): 384 KiB / 2 sets = 1,572,864 bits over the 9 banks: 390.09.
  const ArchParams sram = *load_config(repo_path("configs/psum-sram.yaml")).params;
  CHECK(sram.psum.depth == 390);
  CHECK(sram.psum.addr_bits() == 9);
  // Bias: ceil(512/16) = 32 groups of 16 x 16-bit biases.
  CHECK(p.bias.banks == 1);
  CHECK(p.bias.depth == 32);
  CHECK(p.bias.width == 256);
  CHECK(band_rows(p) == 5);  // 3 rows + stride 2 for the pooled second output row
}

TEST_CASE("every shipped config is valid", "[validate]") {
  for (const std::string file : {"default", "psum-sram", "tiny", "wide", "dense", "rle"}) {
    const std::string path = repo_path("configs/" + file + ".yaml");
    const ValidateResult r = load_config(path);
    INFO(path << "\n" << render_text(r.diags));
    CHECK(r.ok());
    std::string name = file;  // a design name is an identifier: '-' becomes '_'
    std::replace(name.begin(), name.end(), '-', '_');
    if (r.ok()) CHECK(r.params->name == name);
  }
  CHECK(zasgen::test::run_zasgen("check '" + repo_path("configs") + "'/*.yaml") == 0);
}

TEST_CASE("named variants differ from their base config where they say", "[validate]") {
  const ArchParams d = *load_config(repo_path("configs/default.yaml")).params;
  const ArchParams sram = *load_config(repo_path("configs/psum-sram.yaml")).params;
  // psum-sram.yaml is default.yaml with the partial sums in SRAM: the array, kernels, limits
  // and buffers are the same.
  CHECK(d.psum_storage == PsumStorage::Registers);
  CHECK(sram.psum_storage == PsumStorage::Sram);
  CHECK(sram.pes == d.pes);
  CHECK(sram.lanes == d.lanes);
  CHECK(sram.format == d.format);
  CHECK(sram.max_r == d.max_r);
  CHECK(sram.strides == d.strides);
  CHECK(sram.max_h == d.max_h);
  CHECK(sram.max_c == d.max_c);
  CHECK(sram.max_k == d.max_k);
  CHECK(sram.act_in_kib == d.act_in_kib);
  CHECK(sram.act_out_kib == d.act_out_kib);
  CHECK(sram.weights_kib == d.weights_kib);
  CHECK(sram.psum.banks == d.psum.banks);
  CHECK(sram.psum.width == d.psum.width);
  CHECK(sram.psum.depth > d.psum.depth);
  const ArchParams dense = *load_config(repo_path("configs/dense.yaml")).params;
  CHECK(dense.mode == Mode::Dense);
  CHECK(dense.format == Format::Dense);
  CHECK(dense.pes == sram.pes);
  CHECK(dense.act_in_kib == sram.act_in_kib);
  CHECK(dense.psum_kib == sram.psum_kib);
  CHECK(dense.table_bits == 0);
  CHECK(dense.act_in_table.depth == 0);
  CHECK(dense.act_in.depth == 8192);  // 8-bit values only
  const ArchParams tiny = *load_config(repo_path("configs/tiny.yaml")).params;
  CHECK(tiny.format == Format::Rle);
  CHECK(tiny.acc_bits == 24);  // 288 products of 8x8 bits reach 4,718,592 > 2^22
  const ArchParams wide = *load_config(repo_path("configs/wide.yaml")).params;
  CHECK(wide.lanes == 2);
  CHECK(wide.format == Format::Bitmap);
  CHECK(wide.taps() == 25);
  CHECK(wide.weight_banks == 5);
}

TEST_CASE("dense_twin keeps the PE array and the capacities", "[validate]") {
  for (const char* name : {"default", "tiny", "wide", "rle"}) {
    const ArchParams p = *load_config(repo_path(std::string("configs/") + name + ".yaml")).params;
    const ArchParams d = p.dense_twin();
    INFO(name);
    CHECK(d.mode == Mode::Dense);
    CHECK(d.format == Format::Dense);
    CHECK(d.name == p.name + "_dense");
    CHECK(d.pes == p.pes);
    CHECK(d.lanes == p.lanes);
    CHECK(d.acc_bits == p.acc_bits);
    CHECK(d.act_in_kib == p.act_in_kib);
    CHECK(d.act_out_kib == p.act_out_kib);
    CHECK(d.act_in_table_kib == p.act_in_table_kib);
    CHECK(d.weights_kib == p.weights_kib);
    CHECK(d.psum_kib == p.psum_kib);
    CHECK(d.weights.depth == p.weights.depth);
    CHECK(d.psum.depth == p.psum.depth);
    CHECK(d.bias.depth == p.bias.depth);
    CHECK(d.entry_bits == p.act_bits);
    CHECK(d.act_in.depth >= p.act_in.depth);
    CHECK(d.act_in_table.depth == 0);
  }
}

TEST_CASE("an almost empty config gets the documented defaults", "[validate]") {
  const ValidateResult r = check_text("arch: {mode: sparse}\n", "configs/My Edge.yaml");
  REQUIRE(r.ok());
  const ArchParams& p = *r.params;
  // The documented defaults are psum-sram.yaml's: default.yaml differs only in memory.psum,
  // which it sets.
  const ArchParams d = *load_config(repo_path("configs/psum-sram.yaml")).params;
  CHECK(p.name == "my_edge");
  CHECK(p.source == "configs/My Edge.yaml");
  CHECK(p.pes == d.pes);
  CHECK(p.lanes == d.lanes);
  CHECK(p.acc_bits == d.acc_bits);
  CHECK(p.bias_bits == d.bias_bits);
  CHECK(p.mult_bits == d.mult_bits);
  CHECK(p.max_r == d.max_r);
  CHECK(p.strides == d.strides);
  CHECK(p.max_pad == d.max_pad);
  CHECK(p.max_h == d.max_h);
  CHECK(p.max_c == d.max_c);
  CHECK(p.index_bits == d.index_bits);
  CHECK(p.act_in.depth == d.act_in.depth);
  CHECK(p.act_out_table.depth == d.act_out_table.depth);
  CHECK(p.weights.depth == d.weights.depth);
  CHECK(p.weight_banks == 3);  // max_s
  CHECK(p.psum.depth == d.psum.depth);
  CHECK(p.pool);
  CHECK(p.target_mhz == 100);
}

TEST_CASE("defaults that depend on other keys", "[validate]") {
  SECTION("index_bits per format") {
    CHECK(check_text("limits: {max_w: 1000}\nmemory: {act_in: {capacity_kib: 1024}}\n")
              .params->index_bits == 10);
    CHECK(check_text("sparse: {format: rle}\n").params->index_bits == 4);
    CHECK(check_text("sparse: {format: bitmap}\n").params->index_bits == 16);
    CHECK(check_text("limits: {max_w: 1}\nkernel: {max_r: 1, max_s: 1}\n").params->index_bits == 1);
  }
  SECTION("acc_bits and bias_bits") {
    const ArchParams p = *check_text(
                              "limits: {max_c: 1}\nkernel: {max_r: 1, max_s: 1}\n"
                              "data: {act_bits: 2, weight_bits: 2}\n")
                              .params;
    CHECK(p.acc_bits == 8);   // needs 4 (one product in [-2, 4]); 8 is the floor
    CHECK(p.bias_bits == 8);  // min(16, acc_bits)
    CHECK_FALSE(p.pool);      // a 1x1 kernel cannot pool
  }
  SECTION("act_out follows act_in") {
    const ArchParams p = *check_text("memory: {act_in: {capacity_kib: 64, table_kib: 4}}\n").params;
    CHECK(p.act_out_kib == 64);
    CHECK(p.act_out_table_kib == 4);
    CHECK(p.act_out.depth == p.act_in.depth);
  }
  SECTION("weights.banks follows max_s") {
    CHECK(check_text("kernel: {max_r: 5, max_s: 5}\nmemory: {psum: {capacity_kib: 1024}}\n")
              .params->weight_banks == 5);
  }
  SECTION("strides are kept sorted") {
    CHECK(check_text("kernel: {strides: [4, 1]}\n").params->strides == std::vector<int>{1, 4});
  }
}

TEST_CASE("min_acc_bits is the exact worst case", "[validate]") {
  CHECK(min_acc_bits(1, 8, 8) == 16);     // 128*128 = 16384 > 2^14 - 1
  CHECK(min_acc_bits(4608, 8, 8) == 28);  // 75,497,472
  CHECK(min_acc_bits(2, 2, 2) == 5);      // products in [-2, 4]: sum in [-4, 8]
  CHECK(min_acc_bits(1, 2, 2) == 4);      // [-2, 4]
  CHECK(min_acc_bits(4096, 8, 8) == 28);  // exactly 2^26 = 67,108,864 > 2^26 - 1
  CHECK(min_acc_bits(4095, 8, 8) == 27);
  // Brute force over small widths and term counts.
  for (int a = 2; a <= 5; ++a) {
    for (int w = 2; w <= 5; ++w) {
      for (int64_t n : {1, 2, 3, 7, 100}) {
        int64_t lo = 0, hi = 0;
        for (int64_t x = -(1 << (a - 1)); x < (1 << (a - 1)); ++x)
          for (int64_t y = -(1 << (w - 1)); y < (1 << (w - 1)); ++y)
            lo = std::min(lo, x * y), hi = std::max(hi, x * y);
        INFO(a << "x" << w << " n=" << n);
        CHECK(min_acc_bits(n, a, w) == signed_bits(n * lo, n * hi));
      }
    }
  }
}

TEST_CASE("values out of range name the parameter and the accepted range", "[validate]") {
  const ValidateResult r = check_text("arch: {pes: 0, lanes: 9}\nclock: {target_mhz: 0}\n");
  REQUIRE(r.diags.size() == 3);
  CHECK(code_of(r.diags, 0) == "E201");
  CHECK(r.diags[0].param == "arch.pes");
  CHECK(r.diags[0].args == std::vector<std::string>{"0", "1..256"});
  CHECK(r.diags[1].param == "arch.lanes");
  CHECK(r.diags[2].param == "clock.target_mhz");
  CHECK(r.diags[2].args[1] == "(0, 5000]");
  CHECK(code_of(check_text("memory: {act_in: {table_kib: -1}}\n").diags) == "E201");
  CHECK(code_of(check_text("memory: {psum: {capacity_kib: 65537}}\n").diags) == "E201");
  CHECK(code_of(check_text("clock: {target_mhz: .inf}\n").diags) == "E201");
  CHECK(code_of(check_text("data: {acc_bits: 49}\n").diags) == "E201");
  CHECK(code_of(check_text("data: {mult_bits: 0}\n").diags) == "E201");
  CHECK(code_of(check_text("kernel: {max_r: 12}\n").diags) == "E201");
  CHECK(code_of(check_text("kernel: {max_pad: 16}\n").diags) == "E201");
  CHECK(code_of(check_text("name: \"\"\n").diags) == "E206");
  CHECK(code_of(check_text("name: " + std::string(65, 'a') + "\n").diags) == "E206");
  CHECK(code_of(check_text("sparse: {format: coord, index_bits: 17}\n").diags) == "E207");
}

TEST_CASE("one mistake is reported once, not again as a consequence", "[validate]") {
  // pes out of range would also make lanes and the banks look wrong.
  const ValidateResult r = check_text("arch: {pes: 0, lanes: 2}\nmemory: {act_in: {banks: 16}}\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(code_of(r.diags) == "E201");
}

TEST_CASE("rules between parameters", "[validate]") {
  SECTION("lanes divide pes") {
    const ValidateResult r = check_text("arch: {pes: 12, lanes: 8}\n");
    CHECK(code_of(r.diags) == "E301");
    CHECK(r.diags[0].args[2] == "1, 2, 3, 4, 6");
    CHECK(check_text("arch: {pes: 12, lanes: 6}\nmemory: {psum: {capacity_kib: 4096}}\n").ok());
  }
  SECTION("coord index bits hold a column") {
    CHECK(code_of(check_text("sparse: {index_bits: 7}\n").diags) == "E302");
    CHECK(check_text("sparse: {index_bits: 16}\n").ok());
    CHECK(code_of(check_text("limits: {max_w: 257}\nsparse: {index_bits: 8}\n").diags) == "E302");
    // Dense mode keeps the format's own range but not the column rule.
    CHECK(check_text("arch: {mode: dense}\nsparse: {index_bits: 1}\n").ok());
    CHECK(code_of(check_text("arch: {mode: dense}\nsparse: {index_bits: 17}\n").diags) == "E207");
  }
  SECTION("accumulator overflow") {
    const ValidateResult r = check_text("data: {acc_bits: 20}\n");
    REQUIRE(code_of(r.diags) == "E303");
    CHECK(diag_message(r.diags[0]) ==
          "acc_bits 20 can overflow: max_c*max_r*max_s = 4608 products of 8x8-bit values need 28 "
          "bits; accepted: 28..48");
    CHECK(code_of(check_text("data: {acc_bits: 27}\n").diags) == "E303");
    CHECK(check_text("data: {acc_bits: 28}\n").ok());
    CHECK(check_text("data: {acc_bits: 48}\nmemory: {psum: {capacity_kib: 1024}}\n").ok());
    const ValidateResult wide = check_text(
        "data: {act_bits: 16, weight_bits: 16}\nlimits: {max_c: 65536}\n"
        "kernel: {max_r: 11, max_s: 11}\n");
    REQUIRE(code_of(wide.diags) == "E304");
    CHECK(wide.diags[0].param == "limits.max_c");
    // The suggested max_c is the largest that fits.
    const int c_ok = std::stoi(wide.diags[0].args[4]);
    CHECK(min_acc_bits(int64_t(c_ok) * 121, 16, 16) <= 48);
    CHECK(min_acc_bits(int64_t(c_ok + 1) * 121, 16, 16) > 48);
  }
  SECTION("bias within the accumulator") {
    CHECK(code_of(check_text("data: {acc_bits: 30, bias_bits: 31}\n").diags) == "E305");
    CHECK(check_text("data: {acc_bits: 30, bias_bits: 30}\n").ok());
  }
  SECTION("pooling needs a 2x2 kernel") {
    CHECK(code_of(check_text("kernel: {max_r: 1}\noutput: {pool: true}\n").diags) == "E306");
    CHECK(code_of(check_text("kernel: {max_s: 1}\noutput: {pool: true}\n").diags) == "E306");
    CHECK(check_text("kernel: {max_r: 1}\noutput: {pool: false}\n").ok());
  }
  SECTION("banks that contradict the derived ones") {
    CHECK(code_of(check_text("memory: {act_in: {banks: 15}}\n").diags) == "E307");
    CHECK(code_of(check_text("memory: {act_in: {banks: 0}}\n").diags) == "E307");
    CHECK(check_text("memory: {act_in: {banks: 16}, act_out: {banks: 16}}\n").ok());
    CHECK(code_of(check_text("memory: {psum: {banks: 6}}\n").diags) == "E308");
    CHECK(check_text("memory: {psum: {banks: 9}}\n").ok());
    CHECK(code_of(check_text("memory: {weights: {banks: 10}}\n").diags) == "E309");
    CHECK(check_text("memory: {weights: {banks: 9}}\n").params->weight_rows_per_channel(3, 3) == 1);
    CHECK(check_text("memory: {weights: {banks: 1}}\n").ok());
  }
}

TEST_CASE("memory messages state the smallest capacity, and that capacity passes", "[validate]") {
  struct Case {
    const char* base;
    const char* mem;    // memory key whose capacity is varied
    const char* field;  // capacity_kib or table_kib
    const char* code;
  };
  const Case cases[] = {
      {"", "act_in", "capacity_kib", "E401"},
      {"arch: {mode: dense}\n", "act_in", "capacity_kib", "E401"},
      {"limits: {max_w: 1000}\narch: {pes: 7}\nsparse: {index_bits: 10}\n", "act_in",
       "capacity_kib", "E401"},
      {"", "act_out", "capacity_kib", "E401"},
      {"", "act_in", "table_kib", "E402"},
      {"sparse: {format: bitmap, index_bits: 10}\n", "act_in", "table_kib", "E402"},
      {"sparse: {format: rle}\n", "act_in", "table_kib", "E402"},
      {"", "act_out", "table_kib", "E402"},
      {"", "psum", "capacity_kib", "E403"},
      {"arch: {pes: 24, lanes: 3}\nkernel: {max_r: 5, max_s: 7}\n", "psum", "capacity_kib", "E403"},
      {"", "weights", "capacity_kib", "E404"},
      {"arch: {pes: 8, lanes: 4}\nkernel: {max_r: 7, max_s: 7}\nmemory: {psum: {capacity_kib: "
       "8000}}\n",
       "weights", "capacity_kib", "E404"},
  };
  for (const Case& c : cases) {
    INFO(c.base << c.mem << "." << c.field);
    // The psum case with its own memory line must not repeat the 'memory' key.
    std::string base = c.base;
    std::string extra;
    if (base.find("memory:") != std::string::npos) {
      extra = ", psum: {capacity_kib: 8000}";
      base = base.substr(0, base.find("memory:"));
    }
    auto text = [&](double kib) {
      return base + fmt::format("memory: {{{}: {{{}: {}}}{}}}\n", c.mem, c.field, kib, extra);
    };
    const ValidateResult bad = check_text(text(0.001));
    REQUIRE(bad.diags.size() >= 1);
    CHECK(code_of(bad.diags) == c.code);
    CHECK(bad.diags[0].param == std::string("memory.") + c.mem + "." + c.field);
    const double min = std::stod(bad.diags[0].args.back());
    const ValidateResult ok = check_text(text(min));
    INFO("min " << min << "\n" << render_text(ok.diags));
    CHECK(ok.ok());
    const ValidateResult just_below = check_text(text(min - 0.001));
    CHECK(code_of(just_below.diags) == c.code);
  }
}

TEST_CASE("an rle buffer too small for one entry is reported once", "[validate]") {
  const ValidateResult r =
      check_text("sparse: {format: rle}\nmemory: {act_in: {capacity_kib: 0.001}}\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(code_of(r.diags) == "E401");
}

TEST_CASE("table rules do not apply in dense mode", "[validate]") {
  const ValidateResult r = check_text("arch: {mode: dense}\nmemory: {act_in: {table_kib: 0}}\n");
  INFO(render_text(r.diags));
  REQUIRE(r.ok());
  CHECK(r.params->act_in_table.depth == 0);
  CHECK(r.params->table_bits == 0);
}

TEST_CASE("a too-small default memory points at the key that made it too small", "[validate]") {
  const ValidateResult r =
      check_text("name: x\nlimits:\n  max_w: 4096\nsparse: {index_bits: 12}\n");
  REQUIRE(r.diags.size() >= 1);
  CHECK(code_of(r.diags) == "E401");
  CHECK(r.diags[0].loc.line == 3);
  CHECK(r.diags[0].param == "memory.act_in.capacity_kib");
}
