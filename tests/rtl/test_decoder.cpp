// The position decoder against the model's bank images and processing order
// (harness/decoder_harness.cpp): every format, several lanes, backpressure.
#include <catch2/catch.hpp>

#include "module_test.h"

using namespace zasgen::rtl::test;

TEST_CASE("decoder: token stream matches the model's non-zeros in lane order",
          "[rtl][module][decoder]") {
  ModuleTest t;
  t.role = "decoder";
  t.harness = "decoder_harness.cpp";
  t.seed_offset = 200;
  run_module_test(t, {"tiny", "odd_bitmap", "odd_coord", "odd_dense", "odd_rle"});
}
