# SPDX-License-Identifier: BSD-3-Clause
"""A sweep killed with SIGKILL part-way and started again with the same command finishes
the table with the same numbers as an uninterrupted run, and no case runs to completion
twice (completed.log has each case once). Also: a different sweep into the same directory
is refused (exit 2), a bad --vary gets the sweep's error message (exit 2), and a case that
fails numerically is recorded as failed while the others run (exit 3).

usage: sweep_resume.py RFLESION CASE WORKDIR"""
import collections
import os
import shutil
import signal
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import time

from sweep_common import compare, run, table

rfl, case, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
sweep = [rfl, "sweep", case, "--vary", "generator.duration_s=5:7:1", "--quiet"]
ref, killed = os.path.join(work, "ref"), os.path.join(work, "killed")

run(sweep + ["--out", ref])

# kill as soon as the first case is recorded (the others are queued or running)
p = subprocess.Popen(sweep + ["--out", killed], env=dict(os.environ, OMP_NUM_THREADS="1"))
rows = os.path.join(killed, "rows")
deadline = time.time() + 120
while time.time() < deadline and p.poll() is None:
    if os.path.isdir(rows) and any(n.endswith(".row") for n in os.listdir(rows)):
        break
    time.sleep(0.01)
os.kill(p.pid, signal.SIGKILL)
p.wait()
done = len([n for n in os.listdir(rows) if n.endswith(".row")])
if done >= 6 or os.path.exists(os.path.join(killed, "results.h5")):
    sys.exit("FAIL: the sweep finished before it could be killed (%d records)" % done)
print("killed after %d of 6 cases" % done)

r = run(sweep + ["--out", killed])
compare("uninterrupted", table(ref), "killed and resumed", table(killed))
with open(os.path.join(killed, "completed.log")) as f:
    counts = collections.Counter(line.split()[1] for line in f if line.startswith("case "))
if sorted(counts) != [str(i) for i in range(6)] or any(c != 1 for c in counts.values()):
    sys.exit("FAIL: expected each of the 6 cases completed once, found %s" % dict(counts))

# a different sweep into the same directory
r = run([rfl, "sweep", case, "--vary", "generator.duration_s=5,6", "--out", killed], expect=(2,))
if "expected the sweep this directory was started with, found a different one" not in r.stderr:
    sys.exit("FAIL: a different sweep was not refused clearly: " + r.stderr)
# a bad spec on the command line, and a bad value the case reader rejects
r = run([rfl, "sweep", case, "--vary", "generator.duration_s=5:1:1", "--dry-run"], expect=(2,))
if "--vary generator.duration_s=5:1:1: [sweep] generator.duration_s: expected a STEP" not in r.stderr:
    sys.exit("FAIL: bad --vary message: " + r.stderr)
r = run([rfl, "sweep", case, "--vary", "generator.duration_s=5,abc", "--dry-run"], expect=(2,))
if "--vary generator.duration_s=5,abc: [sweep] generator.duration_s=abc (case 1 of 4): [generator] duration_s: " \
        "expected a number of s" not in r.stderr:
    sys.exit("FAIL: bad value message: " + r.stderr)
# a case that fails numerically is a failed row; the sweep goes on (exit 3)
failing = os.path.join(work, "failing")
r = run([rfl, "sweep", case, "--vary", "solver.max_iterations=1,200", "--vary", "generator.duration_s=5",
         "--set", "generator.set_temperature_C=70", "--out", failing], expect=(3,))
t = table(failing)
status = [s.decode() for s in t["status"]]
if status[0] != "failed" or status[1] == "failed" or "did not converge" not in t["message"][0].decode():
    sys.exit("FAIL: expected case 0 failed (no convergence) and case 1 run, found %s %s" % (status, t["message"]))
print("PASS")
