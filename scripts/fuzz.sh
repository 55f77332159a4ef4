#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS (default 60):
#
#   scripts/fuzz.sh TARGET [SECONDS]      TARGET: config layer npy formats elaborate
#
# Builds build-fuzz/ (clang, -fsanitize=fuzzer,address,undefined) when needed, fuzzes from the
# checked-in seeds (tests/fuzz/corpus/TARGET) and past findings (tests/fuzz/crashes/TARGET),
# keeps what it learns in build-fuzz/corpus/TARGET and writes any new crash, leak or timeout
# to build-fuzz/findings/TARGET/ (then exits non-zero). Set-up: scripts/setup.sh --fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
targets="config layer npy formats elaborate"
target=${1:-}
seconds=${2:-60}
if [ -z "$target" ] || ! [[ " $targets " == *" $target "* ]]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS]  (TARGET: $targets)" >&2
  exit 2
fi
build=${ZASGEN_FUZZ_BUILD:-build-fuzz}
if [ ! -f "$build/CMakeCache.txt" ]; then
  launcher=""
  command -v ccache >/dev/null 2>&1 && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DZASGEN_FUZZ=ON -DBUILD_TESTING=OFF $launcher >/dev/null
fi
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target "fuzz_$target" >/dev/null
corpus="$build/corpus/$target"
findings="$build/findings/$target"
mkdir -p "$corpus" "$findings"
dict=()
case "$target" in config | elaborate) dict=(-dict=tests/fuzz/yaml.dict) ;; esac
seeds=(tests/fuzz/corpus/"$target")
[ -d tests/fuzz/crashes/"$target" ] && seeds+=(tests/fuzz/crashes/"$target")
# -timeout: one input may take seconds (elaborating a 256-PE design), never half a minute.
exec "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=30 \
  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$findings/" \
  "${dict[@]}" "$corpus" "${seeds[@]}"
