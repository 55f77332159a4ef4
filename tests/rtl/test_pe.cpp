// The processing element against the model's signed multiplication (harness/pe_harness.cpp).
#include <catch2/catch.hpp>

#include "module_test.h"

using namespace zasgen::rtl::test;

TEST_CASE("PE: registered products match signed multiplication", "[rtl][module][pe][slow]") {
  ModuleTest t;
  t.role = "pe";
  t.harness = "pe_harness.cpp";
  t.seed_offset = 100;
  run_module_test(t, {"tiny", "odd_bitmap", "odd_coord", "odd_dense", "odd_rle"});
}
