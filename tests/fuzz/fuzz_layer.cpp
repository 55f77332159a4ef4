// libFuzzer target: the --layer argument: key=value specs and network layer names.
#include "fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zasgen::fuzz::layer_one(data, size);
  return 0;
}
