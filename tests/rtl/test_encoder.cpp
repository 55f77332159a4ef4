// The sparse re-encoder against the model's encode_block (harness/encoder_harness.cpp).
#include <catch2/catch.hpp>

#include "module_test.h"

using namespace zasgen::rtl::test;

TEST_CASE("encoder: writes match the model's encoding word for word", "[rtl][module][encoder]") {
  ModuleTest t;
  t.role = "encoder";
  t.harness = "encoder_harness.cpp";
  t.seed_offset = 300;
  run_module_test(t, {"tiny", "odd_bitmap", "odd_coord", "odd_dense", "odd_rle"});
}
