#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, then generate,
# simulate, synthesize and report configs/default.yaml (or the config given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec build/zasgen run "${1:-configs/default.yaml}"
