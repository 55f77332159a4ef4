// libFuzzer target: the sparse-format decoders (dense, coord, rle, bitmap): exactly what the
// encoder writes is accepted.
#include "fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zasgen::fuzz::formats_one(data, size);
  return 0;
}
