// libFuzzer target: derive -> elaborate -> IR checks -> Verilog, for every input that validates as
// a configuration.
#include "fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zasgen::fuzz::elaborate_one(data, size);
  return 0;
}
