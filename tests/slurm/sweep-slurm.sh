#!/usr/bin/env bash
# `zasgen sweep --slurm` on a real (single-node) Slurm cluster, as CI runs it (root, Debian 12):
#
#   bash tests/slurm/sweep-slurm.sh        # uses build/zasgen (or $ZASGEN)
#
# 1. installs and starts a private cluster (tests/slurm/cluster.sh: slurmctld, slurmd, munge);
# 2. runs a small simulation sweep with the local executor (--jobs 2), then the same sweep
#    through --slurm, and kills one array task on purpose (scancel) while it runs: that point
#    is reported failed (exit 4);
# 3. reruns the --slurm command: only the killed point runs again, and sweep.json is then the
#    same, byte for byte, as the local run's;
# 4. resubmits the job script by hand (sbatch --wait): every task finds its point done;
# 5. times a 24-point model sweep both ways (the Slurm path's overhead per point);
# and stops the daemons whatever happens.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
zasgen="${ZASGEN:-$root/build/zasgen}"
[ -x "$zasgen" ] || { echo "sweep-slurm: no $zasgen (build first)" >&2; exit 1; }
work="$(mktemp -d /tmp/zasgen-sweep-slurm.XXXXXX)"
cluster="$work/cluster"
cleanup() {
  bash "$root/tests/slurm/cluster.sh" stop "$cluster" || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "sweep-slurm: FAILED: $*" >&2
  exit 1
}
t0=$(date +%s)

bash "$root/tests/slurm/cluster.sh" install
bash "$root/tests/slurm/cluster.sh" start "$cluster" "$(nproc)"
export SLURM_CONF="$cluster/slurm.conf"

cd "$work"
cp -r "$root/configs" .
cat >small.yaml <<'EOF'
base: configs/tiny.yaml
axes:
  arch.pes: [2, 4]
  sparse.format, sparse.index_bits: [[rle, 4], [coord, 5], [coord, 4]]
workloads:
  - layer: c=6,k=5,h=10,w=9,r=3,s=3,stride=1,pad=1
    sparsity: [0.5, 0.8]
    seed: 11
measure: [sim]
EOF

# 1. the local run
"$zasgen" sweep small.yaml --jobs 2 -o local --cache cache-local >local.log 2>&1 ||
  { cat local.log; fail "local sweep exit $?"; }

# 2. the Slurm run, with its own cache and no compiler cache, so that every task builds its
#    simulators and runs long enough to be killed
CCACHE_DISABLE=1 "$zasgen" sweep small.yaml --slurm -o slurm --cache cache-slurm >slurm1.log 2>&1 &
pid=$!
job=""
for _ in $(seq 600); do
  [ -f slurm/slurm.json ] && job=$(sed -n 's/.*"job": "\([0-9]*\)".*/\1/p' slurm/slurm.json)
  [ -n "$job" ] && break
  sleep 0.2
done
[ -n "$job" ] || { cat slurm1.log; fail "no Slurm job submitted"; }
victim=""
for _ in $(seq 1200); do
  victim=$(squeue -h -r -j "$job" -t RUNNING -o %K 2>/dev/null | head -1)
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] || fail "no task of job $job ever ran"
sleep 2
scancel "${job}_${victim}"
echo "sweep-slurm: cancelled task ${job}_${victim} while it ran"
rc=0
wait "$pid" || rc=$?
cat slurm1.log
[ "$rc" -eq 4 ] || fail "the sweep with a killed task exited $rc, expected 4 (a point failed)"
grep -q "CANCELLED" slurm/sweep.json || fail "the killed point is not reported"

# 3. resume: only that point runs again; the results equal the local run's
r0=$(date +%s)
"$zasgen" sweep small.yaml --slurm -o slurm --cache cache-slurm >slurm2.log 2>&1 ||
  { cat slurm2.log; fail "the resumed Slurm sweep failed"; }
r1=$(date +%s)
cat slurm2.log
grep -q "1 to run" slurm2.log || fail "the resumed sweep did not run exactly the killed point"
cmp local/sweep.json slurm/sweep.json || fail "Slurm and local results differ"
cmp local/sweep.csv slurm/sweep.csv || fail "Slurm and local sweep.csv differ"
echo "sweep-slurm: resumed in $((r1 - r0)) s; sweep.json equals the local run's"

# 4. the job script, resubmitted by hand: every task finds its point done
sbatch --wait slurm/sweep.sbatch >/dev/null || fail "the resubmitted job script failed"
grep -q "already done" slurm/points/*/log.txt || fail "the resubmitted tasks did not find their points done"

# 5. the overhead of the Slurm path per point: 24 model points (milliseconds of work each)
cat >model.yaml <<'EOF'
base: configs/tiny.yaml
axes:
  arch.pes: [2, 4, 8]
  sparse.format, sparse.index_bits: [[coord, 5], [rle, 2], [rle, 4], [bitmap, 8]]
  memory.psum.capacity_kib: [6, 12]
  memory.act_in.capacity_kib, memory.act_in.table_kib: [[4, 0.25]]
  memory.act_out.capacity_kib, memory.act_out.table_kib: [[4, 0.25]]
workloads:
  - layer: c=16,k=16,h=32,w=32,r=3,s=3,stride=1,pad=1
    sparsity: [0.5, 0.9]
measure: [model]
EOF
m0=$(date +%s.%N)
"$zasgen" sweep model.yaml --jobs "$(nproc)" -o model-local -q
m1=$(date +%s.%N)
"$zasgen" sweep model.yaml --slurm -o model-slurm -q
m2=$(date +%s.%N)
cmp model-local/sweep.json model-slurm/sweep.json || fail "model sweep: Slurm and local differ"
python3 - "$m0" "$m1" "$m2" <<'EOF'
import sys
a, b, c = map(float, sys.argv[1:])
print(f"sweep-slurm: 24 model points: local {b - a:.1f} s, Slurm {c - b:.1f} s: "
      f"{(c - b - (b - a)) / 24:.2f} s of Slurm overhead per point")
EOF
echo "sweep-slurm: passed in $(($(date +%s) - t0)) s"
