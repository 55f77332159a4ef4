// libFuzzer target: the YAML front end: parse, validate (derive), render the diagnostics as text
// and JSON.
#include "fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)zasgen::fuzz::config_one(data, size);
  return 0;
}
