#!/usr/bin/env bash
# The whole test suite: sets up (packages, build) and runs every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
start=$(date +%s)
ctest --test-dir build --output-on-failure --timeout 1800 "$@"
echo "test: all tests passed in $(( $(date +%s) - start )) s"
