#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Slurm recipes of docs/hpc.md on a real single-node Slurm (Debian's slurm-wlm + munge,
# run as root): starts munged, slurmctld and slurmd in a temporary directory (own munge
# socket, own ports), runs a 6-case sweep of cases/reference/rc1.ini (coarse grid, a few
# seconds of RF: the `rflesion` on PATH is a wrapper adding those options to `sweep`) with
#   1. the task-farm script (srun --mpi=pmix), scancel'ed after its first case and resubmitted,
#   2. the same script with the documented mpirun line instead of srun,
#   3. the job-array script (tasks 3 and 5 cancelled before they ran, then rerun with
#      --array=3,5) followed by the documented merge job (afterok),
# takes each script text from docs/hpc.md (sizes overridden on the sbatch command line),
# compares each results.csv with a serial sweep's (every column but wall_s, value by value),
# checks that completed.log has each case once, and checks that flags exit 0 with
# --flags-exit-zero (job COMPLETED, 0:0) and 1 without (FAILED, 1:0). Every daemon it started
# is stopped on exit.
#
# usage: scripts/slurm-smoke.sh [BUILD_DIR]      (default build/dev; about two minutes)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build/dev}" && pwd)
rfl=$build/cli/rflesion
[ -x "$rfl" ] || { echo "slurm-smoke: expected $rfl (build first)" >&2; exit 2; }
# the daemons live in sbin, which a non-login root shell may not have on its PATH
daemon() { PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin command -v "$1" || {
  echo "slurm-smoke: expected $1 on the PATH (apt-get install slurm-wlm munge)" >&2; exit 2; }; }
munged=$(daemon munged)
slurmctld=$(daemon slurmctld)
slurmd=$(daemon slurmd)
[ "$(id -u)" = 0 ] || { echo "slurm-smoke: expected to run as root (slurmd and munged users)" >&2; exit 2; }

W=$(mktemp -d -t rfl-slurm-smoke.XXXXXX)
chmod 755 "$W"
mkdir -p "$W"/{state,spool,log,munge,bin}
chown munge:munge "$W/munge"
t0=$(date +%s)
say() { echo "slurm-smoke ($(( $(date +%s) - t0 )) s): $*"; }
fail() { echo "slurm-smoke: FAIL: $*" >&2; exit 1; }

stop_pidfile() { # SIGTERM the process of a pid file and wait for it (up to 10 s)
  local f=$1 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  [ -n "${SLURM_CONF:-}" ] && [ -s "$W/slurmctld.pid" ] && scancel --quiet --user=root 2>/dev/null || true
  stop_pidfile "$W/slurmd.pid"
  stop_pidfile "$W/slurmctld.pid"
  stop_pidfile "$W/munge/munged.pid"
  if [ "$rc" = 0 ] && [ -z "${RFL_SLURM_SMOKE_KEEP:-}" ]; then rm -rf "$W"; else echo "slurm-smoke: files in $W"; fi
}
trap cleanup EXIT

# ---- a private single-node Slurm (as root, no systemd; own munge socket and ports) ----------
host=$(hostname -s)
cat > "$W/slurm.conf" <<EOF
ClusterName=smoke
SlurmctldHost=$host
SlurmctldPort=${RFL_SLURM_SMOKE_PORT:-16817}
SlurmdPort=$(( ${RFL_SLURM_SMOKE_PORT:-16817} + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$W/munge/munge.socket
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
NodeName=$host CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$W/slurm.conf
runuser -u munge -- "$munged" --socket="$W/munge/munge.socket" --pid-file="$W/munge/munged.pid" \
  --log-file="$W/munge/munged.log" --seed-file="$W/munge/seed"
"$slurmctld" -f "$SLURM_CONF"
"$slurmd" -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -qx idle && break; sleep 0.5; done
sinfo -h -o %t | grep -qx idle || fail "the node did not come up idle: $(sinfo 2>&1; tail -5 "$W"/log/*.log)"
say "Slurm $(sinfo -V | cut -d' ' -f2) up on $host"

# ---- the sweep, the wrapper and the serial reference ---------------------------------------
tiny=(--set probe.diameter_mm=2.5 --set grid.spacing_mm=0.4 --set grid.growth=1.5
      --set grid.domain_min_mm=0,0,-12 --set grid.domain_max_mm=12,12,12 --set generator.ramp_s=2
      --set output.times_s=1 --vary generator.duration_s=3,4,5 --vary generator.set_temperature_C=70,90)
{
  echo '#!/bin/sh'
  echo '# rflesion with the smoke sweep'"'"'s options after "sweep CASE"'
  echo 'if [ "$1" = sweep ]; then c=$2; shift 2; exec '"$rfl"' sweep "$c" '"${tiny[*]}"' "$@"; fi'
  echo 'exec '"$rfl"' "$@"'
} > "$W/bin/rflesion"
chmod +x "$W/bin/rflesion"
export PATH=$W/bin:$PATH OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
rflesion sweep "$src/cases/reference/rc1.ini" --quiet --threads 1 --out "$W/serial"
say "serial sweep done"

recipe() { # the code block after <!-- slurm-smoke: NAME --> in docs/hpc.md
  awk -v tag="<!-- slurm-smoke: $1 -->" '$0 == tag {f = 1; next} f && /^```/ {if (p) exit; p = 1; next} p' \
    "$src/docs/hpc.md"
}
setup() { # a submit directory with the case file and the named script
  mkdir -p "$W/$1"
  ln -sf "$src/cases/reference/rc1.ini" "$W/$1/case.ini"
}
check() { # DIR: its table equals the serial one (wall_s aside) and each case ran once
  /usr/bin/python3 - "$W/serial/results.csv" "$1/results.csv" "$1/completed.log" <<'EOF'
import csv, re, sys
ref, got, log = sys.argv[1:4]
a, b = list(csv.reader(open(ref))), list(csv.reader(open(got)))
if a[0] != b[0] or len(a) != len(b):
    sys.exit("FAIL: %s: expected the serial table's %d rows and columns %s, found %d rows, %s" % (got, len(a), a[0], len(b), b[0]))
skip = a[0].index("wall_s")
n = 0
for ra, rb in zip(a[1:], b[1:]):
    for k, (x, y) in enumerate(zip(ra, rb)):
        if k != skip and x != y:
            sys.exit("FAIL: %s: case %s column %s: serial %s, here %s" % (got, ra[0], a[0][k], x, y))
        n += k != skip
cases = sorted(int(re.match(r"case (\d+) by rank \d+ on \S+ pid \d+$", l).group(1)) for l in open(log))
if cases != list(range(len(a) - 1)):
    sys.exit("FAIL: %s: expected each case once, found cases %s" % (log, cases))
print("  %s: %d rows x %d columns equal to the serial table (wall_s aside); completed.log: each case once"
      % (got, len(a) - 1, len(a[0]) - 1))
EOF
}
wait_job() { # JOBID: until it has left the queue (at most 120 s)
  for _ in $(seq 240); do squeue -h -j "$1" 2>/dev/null | grep -q . || return 0; sleep 0.5; done
  fail "job $1 still queued after 120 s: $(squeue)"
}
job_state() { # "JobState=COMPLETED ExitCode=0:0"
  scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*\|ExitCode=[0-9:]*' | paste -sd' '
}

# ---- 1. the task farm under srun --mpi=pmix: scancel after its first case, then resubmit -----
setup farm
recipe farm > "$W/farm/farm.sh"
grep -q '^srun --mpi=pmix' "$W/farm/farm.sh" || fail "docs/hpc.md: no 'srun --mpi=pmix' line in the farm script"
cd "$W/farm"
j=$(sbatch --parsable --nodes=1 --ntasks-per-node=2 --time=10 farm.sh)
for _ in $(seq 600); do ls sweep1/rows/*.row >/dev/null 2>&1 && break; sleep 0.1; done
scancel "$j"
wait_job "$j"
done_before=$(ls sweep1/rows | wc -l)
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 6 ] || fail "scancel: expected 1 to 5 of 6 cases done, found $done_before"
say "farm (srun --mpi=pmix) job $j cancelled with $done_before of 6 cases done; state: $(job_state "$j")"
j=$(sbatch --parsable --wait --nodes=1 --ntasks-per-node=2 --time=10 farm.sh) || fail "resubmitted farm: $(cat sweep-*.out)"
say "farm resubmitted as job $j: $(job_state "$j")"
grep -q "($done_before done before), 2 MPI ranks" "sweep-$j.out" || fail "the resubmitted farm did not resume: $(cat "sweep-$j.out")"
grep -q "rank 1 on" sweep1/completed.log || fail "rank 1 computed no case"
check "$W/farm/sweep1"

# ---- 2. the same script with mpirun (Open MPI launching through Slurm) ----------------------
setup mpirun
{ sed '/^srun /,$d' "$W/farm/farm.sh"; recipe farm-mpirun; } > "$W/mpirun/farm.sh"
cd "$W/mpirun"
j=$(sbatch --parsable --wait --nodes=1 --ntasks-per-node=2 --time=10 farm.sh) || fail "mpirun farm: $(cat sweep-*.out)"
say "farm (mpirun in sbatch) job $j: $(job_state "$j")"
grep -q "2 MPI ranks" "sweep-$j.out" || fail "mpirun: expected a farm of 2 ranks: $(cat "sweep-$j.out")"
check "$W/mpirun/sweep1"

# ---- 3. the job array: tasks 3 and 5 cancelled, rerun with --array=3,5, merged (afterok) -----
setup array
recipe array > "$W/array/shards.sh"
cd "$W/array"
j=$(sbatch --parsable --hold --cpus-per-task=1 --time=10 shards.sh)
scancel "${j}_3" "${j}_5"
scontrol release "$j"
wait_job "$j"
say "array job $j (0-19%10, tasks 3 and 5 cancelled): $(ls sweep1/rows | wc -l) of 6 cases, array.txt: $(grep '^array' sweep1/array.txt)"
[ ! -e sweep1/results.csv ] || fail "the array without tasks 3 and 5 wrote a table"
r=$(sbatch --parsable --array=3,5 --cpus-per-task=1 --time=10 shards.sh)
merge=$(recipe merge | sed "s/JOBID/$r/; s/^sbatch /sbatch --parsable --wait /")
m=$(eval "$merge") || fail "merge job: $(cat slurm-*.out)"
say "rerun --array=3,5 job $r: $(job_state "${r}_3") / $(job_state "${r}_5"); merge job $m (afterok): $(job_state "$m")"
grep -q "Merged 6 of 6 cases" "slurm-$m.out" || fail "merge: $(cat "slurm-$m.out")"
check "$W/array/sweep1"

# ---- exit codes of a flagged case in a batch job ---------------------------------------------
cd "$W"
flagged=("$rfl" sweep "$src/tests/data/sweep_tiny.ini" --vary generator.set_temperature_C=85 --vary generator.duration_s=5 --quiet)
j0=$(sbatch --parsable --wait --wrap "${flagged[*]} --out $W/flag0 --flags-exit-zero") || fail "--flags-exit-zero: job failed"
j1=$(sbatch --parsable --wait --wrap "${flagged[*]} --out $W/flag1") && fail "a flagged sweep without --flags-exit-zero: job did not fail"
grep -q ',flagged,' "$W/flag0/results.csv" || fail "--flags-exit-zero: no flag in the table"
say "flagged case with --flags-exit-zero: $(job_state "$j0"); without: $(job_state "$j1")"
job_state "$j0" | grep -q 'JobState=COMPLETED.*ExitCode=0:0' || fail "expected COMPLETED 0:0"
job_state "$j1" | grep -q 'JobState=FAILED.*ExitCode=1:0' || fail "expected FAILED 1:0"
say "PASS"
