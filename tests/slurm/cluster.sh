#!/usr/bin/env bash
# A private single-node Slurm cluster (slurmctld + slurmd + munge, Debian 12 packages, no
# accounting database) for the Slurm test of `zasgen sweep --slurm`:
#
#   tests/slurm/cluster.sh install          # apt-get the 4 packages when missing (root)
#   tests/slurm/cluster.sh start DIR [CPUS] # configure and start everything under DIR
#   export SLURM_CONF=DIR/slurm.conf        # what the clients (sbatch, squeue, ...) read
#   tests/slurm/cluster.sh stop DIR         # kill the daemons by their pid files
#
# Everything (keys, sockets, state, spool, logs, pid files) lives under DIR, on private ports
# ($ZASGEN_SLURM_PORT and the next one; default 16817), so the cluster touches nothing of the
# machine's own. Runs as root (SlurmUser=root). The node
# advertises CPUS processors (default: the machine's), so N tasks run at once as on N cores.
set -euo pipefail

cmd="${1:-}"
case "$cmd" in
install)
  missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  ;;
start)
  dir="$(mkdir -p "$2" && cd "$2" && pwd)"
  cpus="${3:-$(nproc)}"
  port="${ZASGEN_SLURM_PORT:-16817}"
  mkdir -p "$dir"/{munge,state,spool,log,run}
  chmod 755 "$dir/munge"
  [ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null
  chmod 600 "$dir/munge/munge.key"
  munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munge.seed" --force
  cat >"$dir/slurm.conf" <<EOF
ClusterName=zasgen
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SlurmdParameters=config_overrides
MailProg=/bin/true
MinJobAge=300
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -f "$SLURM_CONF" -c -i
  slurmd -f "$SLURM_CONF" -N localhost
  for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    case "$state" in idle*) echo "slurm: node idle ($cpus CPUs), SLURM_CONF=$SLURM_CONF"; exit 0 ;; esac
    sleep 0.5
  done
  echo "slurm: the node did not become idle (state '${state:-none}'); logs in $dir/log" >&2
  exit 1
  ;;
stop)
  dir="$2"
  for d in slurmd slurmctld munged; do
    pidf="$dir/run/$d.pid"
    [ -f "$pidf" ] || continue
    pid=$(cat "$pidf")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidf"
  done
  ;;
*)
  echo "usage: $0 install | start DIR [CPUS] | stop DIR" >&2
  exit 2
  ;;
esac
