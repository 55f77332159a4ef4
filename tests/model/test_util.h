// Helpers shared by the model tests.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

namespace zasgen::model::test {

// Base seed of the randomised tests: ZASGEN_TEST_SEED when set (to explore other cases),
// otherwise a fixed value so the suite is deterministic. Tests add their own offset and show
// the seed they used with INFO/CAPTURE, so a failure prints it.
inline uint64_t base_seed() {
  if (const char* s = std::getenv("ZASGEN_TEST_SEED")) return std::strtoull(s, nullptr, 0);
  return 0x5eed2024;
}

}  // namespace zasgen::model::test
