// zasgen bench: replaced when the benchmarks land.
#include "commands.h"
#include "common.h"

namespace zasgen::cli {
int run_bench(const BenchOptions&) {
  report_error("bench: the benchmarks are not in this build yet");
  return kToolFailure;
}
}  // namespace zasgen::cli
