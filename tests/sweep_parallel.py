# SPDX-License-Identifier: BSD-3-Clause
"""The same sweep (6 tiny cases) four ways: one process, an MPI task farm of 2 ranks and of
3 ranks (oversubscribed on 2 cores), and 3 job-array shards (two via --shard into one
directory, one via emulated SLURM_ARRAY_* variables into another) merged with rflesion
merge. All four tables must be identical (wall time aside), and the farm must have used
its workers: completed.log names the rank, host and pid that computed each case. One
OpenMP thread per process, so every case gives the same numbers.

usage: sweep_parallel.py RFLESION CASE WORKDIR MPIEXEC"""
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from sweep_common import compare, run, table

rfl, case, work, mpirun = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
sweep = [rfl, "sweep", case, "--vary", "generator.duration_s=5:7:1", "--quiet"]
mpi = ["timeout", "-k", "10", "120", mpirun, "--allow-run-as-root", "-x", "OMP_NUM_THREADS"]

run(sweep + ["--out", os.path.join(work, "serial")])
run(mpi + ["-np", "2"] + sweep + ["--out", os.path.join(work, "np2")])
run(mpi + ["-np", "3", "--oversubscribe"] + sweep + ["--out", os.path.join(work, "np3")])
shards = os.path.join(work, "shards")
run(sweep + ["--shard", "0/3", "--out", shards])
run(sweep + ["--shard", "1/3", "--out", shards])
if os.path.exists(os.path.join(shards, "results.h5")):
    sys.exit("FAIL: two of three shards wrote a table")
other = os.path.join(work, "shards-b")
run(sweep + ["--out", other], env={"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1",
                                   "SLURM_ARRAY_TASK_COUNT": "3"})
r = run([rfl, "merge", shards], expect=(2,))
if "expected results for all 6 cases" not in r.stderr:
    sys.exit("FAIL: merging an incomplete sweep: %s" % r.stderr)
merged = os.path.join(work, "merged")
run([rfl, "merge", "--out", merged, shards, other])

serial = table(os.path.join(work, "serial"))
if len(serial) != 6:
    sys.exit("FAIL: expected 6 rows, found %d" % len(serial))
for name in ("np2", "np3", "merged"):
    compare("serial", serial, name, table(os.path.join(work, name)))
# completed.log: each case once, by the rank that computed it, with that process's host and pid
entry = re.compile(r"^case (\d+) by rank (\d+) on (\S+) pid (\d+)$")
for name, ranks in (("np2", 2), ("np3", 3)):
    with open(os.path.join(work, name, "completed.log")) as f:
        log = f.read()
    lines = [entry.match(line) for line in log.splitlines()]
    if not all(lines) or sorted(int(m.group(1)) for m in lines) != list(range(6)):
        sys.exit("FAIL: %s/completed.log: expected each of the 6 cases once as 'case N by rank R on HOST pid P':\n%s"
                 % (name, log))
    pids = {}
    for m in lines:
        pids.setdefault(int(m.group(2)), set()).add(m.group(4))
    if sorted(pids) != list(range(ranks)) or len(set.union(*pids.values())) != ranks or \
            any(len(p) != 1 for p in pids.values()):
        sys.exit("FAIL: %s: expected every rank to compute cases under its own pid:\n%s" % (name, log))
print("PASS")
