#!/usr/bin/env bash
# A single-node Slurm cluster in a temporary directory, for the scale-out test: munged,
# slurmctld and slurmd started here and always stopped here, whatever happens.
#
#   slurm_cluster.sh DIR COMMAND [ARG...]
#
# starts the cluster with its state, logs, munge key and socket under DIR (which must
# exist and be empty), runs COMMAND with SLURM_CONF pointing at the cluster, stops every
# daemon, and exits with COMMAND's status. If the cluster cannot be started it exits 1
# with the reason (and the daemons' logs) on stderr: it never skips.
set -euo pipefail

dir=$1
shift
[ -d "$dir" ] || { echo "slurm_cluster.sh: $dir: no such directory" >&2; exit 2; }
dir=$(cd "$dir" && pwd)

fail() {
  echo "slurm_cluster.sh: cannot start the Slurm cluster: $*" >&2
  for log in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [ -s "$log" ] && { echo "--- $log (tail)" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash ci/setup.sh installs munge, slurmctld, slurmd, slurm-client)"
done

pids=()
stop() {
  local status=$?
  # Newest first: slurmd, slurmctld, then munged. Each by its own pid, then waited for.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

host=$(hostname -s)
# Ports on the loopback, away from Slurm's defaults (6817/6818) and from other runs of this test.
base=$((20000 + ($$ % 2000) * 10))
ctld_port=$base
slurmd_port=$((base + 1))

mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chmod 700 "$dir/munge"
mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null 2>&1 ||
  fail "mungekey could not create a key"
chmod 600 "$dir/munge/munge.key"

munged --foreground --force --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed" \
  >/dev/null 2>&1 &
pids+=($!)
until [ -S "$dir/munge/munge.sock" ]; do
  kill -0 "${pids[0]}" 2>/dev/null || fail "munged exited before opening its socket"
  sleep 0.1
done

# The node as slurmd sees it (CPUs, sockets, memory), so that it is not drained for a mismatch.
node=$(slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
[ -n "$node" ] || fail "slurmd -C printed no node line"
# Half the memory it reports, so that running jobs do not push it into a drain.
cat >"$dir/slurm.conf" <<CONF
ClusterName=racelabtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MaxArraySize=1001
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=racelab Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
export SLURM_CONF=$dir/slurm.conf

slurmctld -D -i -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$dir/slurmd.out" 2>&1 &
pids+=($!)

# Until the node is up or a daemon has exited: events, with no deadline here (the caller's
# hang guard ends a start that never settles).
state=""
while :; do
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a daemon exited: $(cat "$dir"/*.out 2>/dev/null | tail -n 5)"; done
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
  case $state in idle | mix | alloc) break ;; esac
  sleep 0.2
done

set +e
"$@"
status=$?
set -e
exit "$status"
