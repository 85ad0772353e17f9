# SPDX-License-Identifier: BSD-3-Clause
"""Sweeps in Slurm's environment, set by hand as Slurm 22.05 sets it (no controller needed):

- several tasks of a job step without PMI/PMIx variables (plain srun under MpiDefault=none)
  are refused with exit 2; one task, a batch script and array tasks are not (srun
  --mpi=pmix and mpirun need a real launcher: test_sweep_farm and scripts/slurm-smoke.sh);
- job arrays 0-19, 0-4:2, 3,5 and 1-7%2 map their tasks to shards so that each case is
  planned exactly once across the array (dry runs print each shard's cases); a ragged list
  (1,2,5) is refused unless the directory records an earlier array; rerunning indices 3,5
  of a recorded 0-19 array runs shards 3 and 5 of 20;
- a shard's exit code is its own cases', also when it is the last and writes the table;
- --flags-exit-zero and [sweep] flags_exit_zero = yes make flags exit 0 (sweep and merge).

usage: sweep_slurm_env.py RFLESION CASE WORKDIR"""
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from sweep_common import run

rfl, case, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
# 12 cases: two set points x durations 5..10 s
sweep = [rfl, "sweep", case, "--vary", "generator.duration_s=5:10:1", "--quiet"]
NCASES = 12


def fail(msg):
    sys.exit("FAIL: " + msg)


def expect_stderr(r, text):
    if r.stderr != text:
        fail("expected stderr\n%r\nfound\n%r" % (text, r.stderr))


# ---- several tasks without PMI --------------------------------------------------------------
refused = ("rflesion: started as one of 2 Slurm tasks (SLURM_STEP_NUM_TASKS or SLURM_NTASKS) without an MPI "
           "launcher's environment (no PMIx or PMI variables), so each task would run the whole sweep: start "
           "the task farm with 'srun --mpi=pmix' or 'mpirun', run one task (srun -n 1), or use a job array\n")
step2 = {"SLURM_JOB_ID": "8", "SLURM_STEP_ID": "0", "SLURM_STEP_NUM_TASKS": "2", "SLURM_NTASKS": "2",
         "SLURM_PROCID": "1"}
expect_stderr(run(sweep + ["--out", os.path.join(work, "srun2")], expect=(2,), env=step2), refused)
if os.path.exists(os.path.join(work, "srun2")):
    fail("a refused sweep created its directory")
no_step_count = dict(step2)
del no_step_count["SLURM_STEP_NUM_TASKS"]
expect_stderr(run(sweep + ["--dry-run"], expect=(2,), env=no_step_count), refused)
for name, env in (("one task", {"SLURM_STEP_ID": "0", "SLURM_STEP_NUM_TASKS": "1", "SLURM_NTASKS": "1"}),
                  ("sbatch -n 2 script", {"SLURM_JOB_ID": "8", "SLURM_NTASKS": "2", "SLURM_TASKS_PER_NODE": "2",
                                          "SLURM_PROCID": "0"})):
    r = run(sweep + ["--dry-run"], expect=(0,), env=env)
    if "Sweep of" not in r.stdout:
        fail("%s: no dry run:\n%s" % (name, r.stdout))


# ---- array shapes ----------------------------------------------------------------------------
def array_env(task, lo, hi, step, count, job="100"):
    return {"SLURM_ARRAY_JOB_ID": job, "SLURM_ARRAY_TASK_ID": str(task), "SLURM_ARRAY_TASK_MIN": str(lo),
            "SLURM_ARRAY_TASK_MAX": str(hi), "SLURM_ARRAY_TASK_STEP": str(step),
            "SLURM_ARRAY_TASK_COUNT": str(count), "SLURM_JOB_ID": str(1000 + task)}


SHARD = re.compile(r"^This process: shard (\d+) of (\d+), (\d+) cases?(?:: (.*))?$", re.M)


def dry_shard(env, out=None, base=None):
    cmd = (base or sweep) + ["--dry-run"] + (["--out", out] if out else [])
    m = SHARD.search(run(cmd, expect=(0,), env=env).stdout)
    if not m:
        fail("no shard line in the dry run for %s" % env)
    cases = [int(x) for x in m.group(4).split(", ")] if m.group(4) else []
    if len(cases) != int(m.group(3)):
        fail("shard line lists %d cases, says %s" % (len(cases), m.group(3)))
    return int(m.group(1)), int(m.group(2)), cases


def check_array(name, tasks, lo, hi, step, out=None, nshards=None, expect_all=True):
    """Dry-runs every task of the array (variables as Slurm 22.05 sets them; lists have
    STEP 1); every case must come up once, and shards once each."""
    shards, seen = [], []
    for t in tasks:
        s, n, cases = dry_shard(array_env(t, lo, hi, step, len(tasks)), out)
        if nshards is not None and n != nshards:
            fail("%s: task %d: expected %d shards, found %d" % (name, t, nshards, n))
        shards.append(s)
        seen += cases
    if len(set(shards)) != len(shards):
        fail("%s: shards %s repeat" % (name, shards))
    if len(set(seen)) != len(seen) or (expect_all and sorted(seen) != list(range(NCASES))):
        fail("%s: cases %s: expected each of 0..%d once" % (name, sorted(seen), NCASES - 1))
    print("--array=%s: tasks %s -> shards %s, %d cases once each" % (name, tasks, shards, len(seen)))
    return shards, seen


check_array("0-19", list(range(20)), 0, 19, 1, nshards=20)
check_array("0-4:2", [0, 2, 4], 0, 4, 2, nshards=3)
check_array("3,5", [3, 5], 3, 5, 1, nshards=2)
check_array("1-7%2", list(range(1, 8)), 1, 7, 1, nshards=7)

# a ragged list with nothing recorded: no mapping
arr = os.path.join(work, "array")
r = run(sweep + ["--out", arr], expect=(2,), env=array_env(2, 1, 5, 1, 3))
expect_stderr(r, "rflesion: job array task 2: cannot tell which shard it runs, since the array's indices are not "
                 "evenly spaced (SLURM_ARRAY_TASK_MIN=1, MAX=5, STEP=1, COUNT=3) and the sweep directory records "
                 "no earlier array: give each task --shard I/N (0 <= I < N), or use an evenly spaced array such "
                 "as --array=0-2\n")

# task 19 of --array=0-19 runs first (12 cases in 20 shards: it has none) and records the shape
run(sweep + ["--out", arr], expect=(0,), env=array_env(19, 0, 19, 1, 20, job="200"))
with open(os.path.join(arr, "array.txt")) as f:
    if "array job 200 min 0 step 1 count 20\n" not in f.read():
        fail("array.txt does not record the 0-19 array")
# a rerun of indices 3,5 (a new array: MIN 3, MAX 5, STEP 1, COUNT 2) uses that shape, and so
# do the ragged 1,2,5; the dry runs match the original array's tasks
for tasks, lo, hi in (([3, 5], 3, 5), ([1, 2, 5], 1, 5)):
    for t in tasks:
        got = dry_shard(array_env(t, lo, hi, 1, len(tasks), job="300"), arr)
        want = dry_shard(array_env(t, 0, 19, 1, 20))
        if got != want or got[0] != t:
            fail("rerun task %d of --array=%s: expected %s, found %s" % (t, tasks, want, got))
print("reruns of indices 3,5 and 1,2,5 of a recorded --array=0-19: shards 3, 5 and 1, 2, 5 of 20")
# run 3,5 for real: exactly the cases of shards 3 and 5
for t in (3, 5):
    run(sweep + ["--out", arr], expect=(0, 1), env=array_env(t, 3, 5, 1, 2, job="300"))
with open(os.path.join(arr, "completed.log")) as f:
    done = sorted(int(line.split()[1]) for line in f)
want = sorted(dry_shard(array_env(3, 0, 19, 1, 20))[2] + dry_shard(array_env(5, 0, 19, 1, 20))[2])
if done != want:
    fail("the rerun of 3,5 computed cases %s, expected %s" % (done, want))
r = run(sweep + ["--out", arr], expect=(2,), env=array_env(25, 0, 29, 1, 30, job="400"))
path = os.path.join(arr, "array.txt")
expect_stderr(r, "rflesion: %s: job array task 25 is not one of the indices of the array this sweep directory was "
                 "started with (0-19:1, 20 tasks): rerun indices of that array, give --shard I/N, or remove %s "
                 "when no task of the earlier array runs any more\n" % (path, path))

# ---- exit codes of shards, and flags that exit 0 -------------------------------------------------
# two cases: 55 C for 6 s (ok, the longer: shard 0) and 85 C for 5 s (a safety flag: shard 1)
pair = [rfl, "sweep", case, "--vary", "generator.set_temperature_C=55,85", "--vary", "generator.duration_s=6,5",
        "--zip", "generator.set_temperature_C,generator.duration_s", "--quiet"]
shards = os.path.join(work, "shards")
if dry_shard(array_env(0, 0, 1, 1, 2), base=pair)[2] != [0]:
    fail("the ok case is not shard 0's")
run(pair + ["--out", shards], expect=(1,), env=array_env(1, 0, 1, 1, 2))  # flagged case, no table yet
if os.path.exists(os.path.join(shards, "results.csv")):
    fail("the first shard wrote the table")
run(pair + ["--out", shards], expect=(0,), env=array_env(0, 0, 1, 1, 2))  # last: table, own case ok
with open(os.path.join(shards, "results.csv")) as f:
    status = [line.split(",")[1] for line in f.readlines()[1:]]
if status != ["ok", "flagged"]:
    fail("expected statuses ok, flagged; found %s" % status)
run([rfl, "merge", "--quiet", shards], expect=(1,))
run([rfl, "merge", "--quiet", "--flags-exit-zero", shards], expect=(0,))
run(pair + ["--out", os.path.join(work, "whole")], expect=(1,))
run(pair + ["--out", os.path.join(work, "whole0"), "--flags-exit-zero"], expect=(0,))
with open(os.path.join(work, "whole0", "results.csv")) as f:
    if ",flagged," not in f.read():
        fail("--flags-exit-zero dropped the flag from the table")
keyed = os.path.join(work, "flags_exit_zero.ini")
with open(case) as f, open(keyed, "w") as g:
    g.write(f.read() + "flags_exit_zero = yes\n")  # the [sweep] section is the file's last
run([rfl, "sweep", keyed, "--vary", "generator.set_temperature_C=85", "--vary", "generator.duration_s=5",
     "--quiet", "--out", os.path.join(work, "keyed")], expect=(0,))
print("PASS")
