#!/usr/bin/env bash
# Regenerates the golden-output files checked by tests/rtl/test_golden.cpp:
#
#   scripts/regen-golden.sh
#
# builds the zasgen tool (in build-golden/, or $ZASGEN_BUILD_DIR) and runs its `regen-golden`
# target: from the repository root, `zasgen generate configs/tiny.yaml -o tests/golden/tiny`,
# which replaces that directory with exactly the generated files. Goldens are never edited by
# hand: change the generator, regenerate, and review `git diff tests/golden` before committing
# it together with the change.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${ZASGEN_BUILD_DIR:-$root/build-golden}"

cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" --target regen-golden -j2
git -C "$root" status --short -- tests/golden
