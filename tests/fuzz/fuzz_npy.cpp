// libFuzzer target: the .npy reader, and the writer's round trip of what it accepts.
#include "fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zasgen::fuzz::npy_one(data, size);
  return 0;
}
