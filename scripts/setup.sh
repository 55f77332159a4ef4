#!/usr/bin/env bash
# Installs the Debian 12 packages zasgen needs (only the missing ones: safe to run twice) and
# builds zasgen (Release) into build/. Run from anywhere; needs root or sudo for apt-get.
#
#   scripts/setup.sh           # the tool and its test suite
#   scripts/setup.sh --fuzz    # also clang and its sanitizer/libFuzzer runtimes (scripts/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz=0
[ "${1:-}" = "--fuzz" ] && fuzz=1

packages=(
  build-essential cmake pkg-config            # C++17 toolchain
  libfmt-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev catch2 libcmark-gfm-dev libcmark-gfm-extensions-dev   # libraries
  verilator iverilog                          # RTL simulation (Verilator), cross-check (Icarus)
  ccache                                      # Verilator builds share their runtime objects
  yosys opensta                               # synthesis, static timing and power
  qflow-tech-osu018                           # open 0.18 um library: liberty cross-check
  gnuplot-nox fonts-dejavu-core               # benchmark plots (PNG text needs a font)
  clang-format                                # the style check
  python3-yaml                                # the acceptance checks read configs with PyYAML
)
# Only for the fuzz targets (scripts/fuzz.sh); the sanitizer job of CI uses GCC's runtimes.
[ "$fuzz" = 1 ] && packages+=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  case "$p" in \#*) continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
echo "setup: built build/zasgen"
