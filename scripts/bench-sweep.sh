#!/usr/bin/env bash
# Benchmarks of `zasgen sweep` on this machine (not a test: it prints figures):
#
#   scripts/bench-sweep.sh [local|example|all]     # default: all (about an hour on 2 cores)
#
#   local    the shipped example's 24 points measured with model+area, with --jobs 1 and then
#            --jobs 2 (fresh folders): the pool's speedup, and the two sweep.json compared
#   example  the shipped example as it is (sim+area) with --jobs 2, from an empty sweep folder
#            and simulator cache: its wall time
#
# The Slurm path's overhead per point is measured by tests/slurm/sweep-slurm.sh. Uses
# build/zasgen (or $ZASGEN); works in out/bench-sweep/.
set -euo pipefail
cd "$(dirname "$0")/.."
zasgen="${ZASGEN:-build/zasgen}"
what="${1:-all}"
work=out/bench-sweep
mkdir -p "$work"
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$1" "$2"; }
echo "bench-sweep: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

if [ "$what" = local ] || [ "$what" = all ]; then
  sed 's/^measure: .*/measure: [model, area]/' configs/sweeps/pes-format.yaml >"$work/model-area.yaml"
  rm -rf "$work/j1" "$work/j2"
  a=$(now)
  "$zasgen" sweep "$work/model-area.yaml" --jobs 1 -o "$work/j1" -q
  b=$(now)
  "$zasgen" sweep "$work/model-area.yaml" --jobs 2 -o "$work/j2" -q
  c=$(now)
  same=no
  cmp -s "$work/j1/sweep.json" "$work/j2/sweep.json" && same=yes
  python3 - "$a" "$b" "$c" "$same" <<'EOF'
import sys
a, b, c = map(float, sys.argv[1:4])
print(f"bench-sweep: 24 model+area points: --jobs 1 {b - a:.0f} s, --jobs 2 {c - b:.0f} s: "
      f"{(b - a) / (c - b):.2f}x; identical sweep.json: {sys.argv[4]}")
EOF
fi

if [ "$what" = example ] || [ "$what" = all ]; then
  rm -rf "$work/example" "$work/cache"
  a=$(now)
  "$zasgen" sweep configs/sweeps/pes-format.yaml --jobs 2 -o "$work/example" --cache "$work/cache" -q || true
  b=$(now)
  echo "bench-sweep: 24 sim+area points (configs/sweeps/pes-format.yaml), --jobs 2, empty cache:" \
    "$(secs "$a" "$b") s"
fi
echo "bench-sweep: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
