// zasgen synth: replaced when the flow lands.
#include "commands.h"
#include "common.h"

namespace zasgen::cli {
int run_synth(const SynthOptions&) {
  report_error("synth: the synthesis flow is not in this build yet");
  return kToolFailure;
}
}  // namespace zasgen::cli
