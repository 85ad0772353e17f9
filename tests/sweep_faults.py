# SPDX-License-Identifier: BSD-3-Clause
"""Fault injection on sweep directories: every run ends with a table equal (value by value,
wall_s aside) to an uninterrupted run's, or with a refusal (exit 2 and its message); never
with a silently wrong table.

  1. two different sweeps started together into one directory: one runs, the other is
     refused; deleting sweep.txt and rerunning with the other values recomputes every case
     (the old records are not reused);
  2. two identical sweeps started together: one runs, the other is refused, no case runs
     twice; two shards of one sweep share a directory, a second copy of a shard is refused;
  3. repeated SIGKILL at random moments (seeded), then during the final table write;
  4. corrupt records: merge refuses them, a rerun moves them aside and recomputes them;
  5. merge of a directory that is not a sweep is refused and creates nothing;
  6. SIGINT and SIGTERM remove the temporaries in flight and exit 130 / 143; a rerun
     removes temporaries of dead processes (and nothing else);
  7. a full disk (a small tmpfs; an LD_PRELOAD shim is not needed where mounting works,
     the part is skipped with a note where it does not): exit 4 naming the file, and once
     there is room again the same command finishes the table.

usage: sweep_faults.py RFLESION CASE WORKDIR   (CASE: a tiny case; its [sweep] is dropped)"""
import collections
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from sweep_common import compare, run, table

rfl, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
rng = random.Random(20261207)
ENV = dict(os.environ, OMP_NUM_THREADS="1")

# the tiny case without its [sweep] section, shortened: about half a second per case
case = os.path.join(work, "tiny.ini")
with open(source) as f:
    text = f.read()
with open(case, "w") as f:
    f.write(text[:text.index("\n[sweep]") + 1] if "\n[sweep]" in text else text)
SETS = ["--set", "generator.duration_s=2", "--set", "output.times_s=2", "--set", "generator.ramp_s=1",
        "--set", "grid.growth=1.5", "--quiet"]
VARY = ["--vary", "probe.tip_length_mm=5,7.5,10"]
A = [rfl, "sweep", case] + SETS + VARY + ["--vary", "generator.set_temperature_C=70,80"]
B = [rfl, "sweep", case] + SETS + VARY + ["--vary", "generator.set_temperature_C=60,90"]
LOCKED = "expected a directory no other sweep is using, found one in use"
DIFFERENT = "expected the sweep this directory was started with, found a different one"


def d(name):
    return os.path.join(work, name)


def start(cmd, out, extra=()):
    return subprocess.Popen(cmd + ["--out", out] + list(extra), env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(p):
    out, err = p.communicate(timeout=300)
    return p.returncode, err


def temporaries(directory):
    return [p for p in glob.glob(os.path.join(directory, "**", "*"), recursive=True) if ".tmp." in p]


def log_counts(directory):
    with open(os.path.join(directory, "completed.log")) as f:
        return collections.Counter(int(line.split()[1]) for line in f if line.startswith("case "))


def expect(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


t0 = time.time()
run(A + ["--out", d("refA")])
per_case = (time.time() - t0) / 6  # kills below are timed in cases, whatever the machine's speed
run(B + ["--out", d("refB")])
refA, refB = table(d("refA")), table(d("refB"))
print("references: %d cases each (%.1f s)" % (len(refA), time.time() - t0))

# ---- 1. two different sweeps together into one directory ------------------------------------
pa, pb = start(A, d("mixed")), start(B, d("mixed"))
(ca, ea), (cb, eb) = finish(pa), finish(pb)
expect(sorted([ca == 2, cb == 2]) == [False, True], "expected exactly one of two different sweeps refused, found "
       "exits %d and %d:\n%s\n%s" % (ca, cb, ea, eb))
winner, loser_err, loser_ref, loser = (refA, eb, refB, B) if cb == 2 else (refB, ea, refA, A)
expect(LOCKED in loser_err or DIFFERENT in loser_err, "the refused sweep says why: " + loser_err)
compare("uninterrupted", winner, "the sweep that ran beside a refused one", table(d("mixed")))
# the same directory, its manifest deleted, the other values: no record is reused
os.remove(os.path.join(d("mixed"), "sweep.txt"))
r = run(loser + ["--out", d("mixed")])
expect(r.stderr.count("found one of another case") == 6, "expected 6 records recomputed, found:\n" + r.stderr)
compare("uninterrupted", loser_ref, "rerun with other values after deleting sweep.txt", table(d("mixed")))

# ---- 2. two identical sweeps together --------------------------------------------------------
p1, p2 = start(A, d("twins")), start(A, d("twins"))
(c1, e1), (c2, e2) = finish(p1), finish(p2)
expect(sorted([c1 == 2, c2 == 2]) == [False, True], "expected one of two identical sweeps refused, found exits "
       "%d and %d:\n%s\n%s" % (c1, c2, e1, e2))
expect(LOCKED in (e1 if c1 == 2 else e2), "the refused twin names the lock: " + e1 + e2)
compare("uninterrupted", refA, "one of two identical sweeps", table(d("twins")))
counts = log_counts(d("twins"))
expect(sorted(counts) == list(range(6)) and set(counts.values()) == {1},
       "expected each case computed once, found %s" % dict(counts))
# the shards of one sweep share a directory; a second copy of a shard, or a whole sweep, is refused
s0, s1 = start(A, d("shards"), ["--shard", "0/2"]), start(A, d("shards"), ["--shard", "1/2"])
while not os.path.exists(os.path.join(d("shards"), ".lock-shard-1-of-2")):
    time.sleep(0.005)
time.sleep(0.2)
again, whole = start(A, d("shards"), ["--shard", "1/2"]), start(A, d("shards"))
(ca, ea), (cw, ew) = finish(again), finish(whole)
(c0, e0), (c1, e1) = finish(s0), finish(s1)
expect(c0 in (0, 1) and c1 in (0, 1), "shards sharing a directory: exits %d %d: %s %s" % (c0, c1, e0, e1))
expect(ca == 2 and "lock-shard-1-of-2 held by host" in ea, "a second copy of shard 1/2 is refused: %d %s" % (ca, ea))
expect(cw == 2 and "held by shards of a sweep" in ew, "a whole sweep beside shards is refused: %d %s" % (cw, ew))
run([rfl, "merge", d("shards")])
compare("uninterrupted", refA, "two shards in one directory", table(d("shards")))
print("concurrent starts: refused cleanly, tables equal, no case computed twice")

# ---- 3. SIGKILL at random moments, then during the final table write -------------------------
kills = 0


def records(directory):
    rows = os.path.join(directory, "rows")
    return len([n for n in os.listdir(rows) if n.endswith(".row")]) if os.path.isdir(rows) else 0


for attempt in range(60):
    before = records(d("killed"))
    p = start(A, d("killed"))
    if rng.random() < 0.3:  # anywhere in the start-up or the first case
        wait = rng.uniform(0.0, 1.0) * per_case
    else:  # somewhere in the case after the next one recorded (so that every such kill makes progress)
        while p.poll() is None and records(d("killed")) <= before:
            time.sleep(0.002)
        wait = rng.uniform(0.0, 0.8) * per_case
    try:
        p.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        kills += 1
        continue
    out, err = p.communicate()
    expect(p.returncode in (0, 1), "a resumed sweep ended with exit %d: %s" % (p.returncode, err))
    break
else:
    sys.exit("FAIL: the sweep never finished in 60 attempts")
expect(kills >= 3, "expected at least 3 kills, found %d" % kills)
compare("uninterrupted", refA, "killed %d times and resumed" % kills, table(d("killed")))
expect(max(log_counts(d("killed")).values()) == 1, "a case was completed twice")
# every record is there now: a rerun only assembles the table; kill it while it does
seen_table = 0
for attempt in range(12):
    for name in ("results.h5", "results.csv"):
        if os.path.exists(os.path.join(d("killed"), name)):
            os.remove(os.path.join(d("killed"), name))
    p = start(A, d("killed"))
    if attempt % 2 == 0:  # the moment a table's temporary appears
        while p.poll() is None and not glob.glob(os.path.join(d("killed"), "results.*.tmp.*")):
            pass
    else:
        time.sleep(rng.uniform(0.0, 0.1))
    p.kill()
    p.communicate()
    if os.path.exists(os.path.join(d("killed"), "results.h5")):  # whole or absent, never half
        seen_table += 1
        compare("uninterrupted", refA, "table of a killed final write", table(d("killed")))
run(A + ["--out", d("killed")])
compare("uninterrupted", refA, "killed during the table write and rerun", table(d("killed")))
expect(not temporaries(d("killed")), "temporaries left: %s" % temporaries(d("killed")))
print("SIGKILL: %d kills while computing, 12 during the table write (%d left a whole table), table equal, "
      "no temporaries left" % (kills, seen_table))

# ---- 4. corrupt records ----------------------------------------------------------------------------
rows = os.path.join(d("killed"), "rows")
with open(os.path.join(rows, "case-000003.row"), "r+") as f:
    f.truncate(400)
with open(os.path.join(rows, "case-000001.row"), "w") as f:
    f.write("rflesion-row 1\ngarbage\n")
r = run([rfl, "merge", d("killed")], expect=(2,))
expect("case-000001.row:2: expected 'TYPE NAME VALUE', found 'garbage'; run the sweep again with the same command "
       "and --out %s: it moves aside the record and recomputes the case" % d("killed") in r.stderr,
       "merge names the damaged record and what to do: " + r.stderr)
r = run(A + ["--out", d("killed")])
for i in (1, 3):
    expect("case-%06d.row" % i in r.stderr and "moved it aside to case-%06d.row.corrupt and computing case %d again"
           % (i, i) in r.stderr, "the rerun names damaged record %d: %s" % (i, r.stderr))
    expect(os.path.exists(os.path.join(rows, "case-%06d.row.corrupt" % i)), "record %d moved aside" % i)
compare("uninterrupted", refA, "corrupt records recomputed", table(d("killed")))
print("corrupt records: merge refuses them, the rerun recomputes them")

# ---- 5. merge of a directory that is not a sweep ------------------------------------------------------
r = run([rfl, "merge", d("refA"), d("refA"), d("typo_dir")], expect=(2,))
expect("typo_dir: expected a sweep directory (holding sweep.txt), found no such directory" in r.stderr,
       "merge refuses a typo: " + r.stderr)
expect(not os.path.exists(d("typo_dir")), "merge created the typo directory")
r = run([rfl, "merge", d("refA"), d("refB")], expect=(2,))
expect(DIFFERENT in r.stderr, "merge refuses shards of different sweeps: " + r.stderr)

# ---- 6. SIGINT and SIGTERM; stale temporaries -----------------------------------------------------------
for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
    out = d("signal%d" % code)
    p = start(A, out, ["--fields"])
    deadline = time.time() + 60
    while time.time() < deadline and not temporaries(out):
        time.sleep(0.005)
    p.send_signal(sig)
    c, err = finish(p)
    expect(c == code, "expected exit %d after signal %d, found %d: %s" % (code, sig, c, err))
    expect(not temporaries(out), "temporaries left after signal %d: %s" % (sig, temporaries(out)))
dead = subprocess.Popen(["true"])
dead.wait()  # its PID is no longer alive
out = d("signal130")
stale = [os.path.join(out, "rows", "case-000000.row.tmp.%d" % dead.pid),
         os.path.join(out, "fields", "case-000001.h5.tmp.%d" % dead.pid),
         os.path.join(out, "results.csv.tmp.%d" % dead.pid)]
kept = [os.path.join(out, "notes.tmp.txt"), os.path.join(out, "rows", "case-000002.row.tmp.%d" % os.getpid())]
for path in stale + kept:
    open(path, "w").close()
r = run(A + ["--out", out, "--fields"])
expect(not any(os.path.exists(p) for p in stale), "stale temporaries not removed")
expect(all(os.path.exists(p) for p in kept), "a file that is not a dead process's temporary was removed")
for p in kept:
    os.remove(p)
compare("uninterrupted", refA, "interrupted by SIGINT and resumed", table(out))
print("SIGINT/SIGTERM: exit 130/143, no temporaries; stale ones of dead processes removed on resume")

# ---- 7. a full disk ------------------------------------------------------------------------------------------
mnt = d("small_disk")
os.makedirs(mnt)
if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", mnt], capture_output=True).returncode != 0:
    print("full disk: skipped (this machine does not allow mounting a tmpfs)")
else:
    try:
        out = os.path.join(mnt, "sweep")
        r = run(A + ["--out", out, "--fields"], expect=(4,))
        said = r.stderr
        if os.path.exists(os.path.join(out, "results.csv")):  # the failed cases are rows marked so
            with open(os.path.join(out, "results.csv")) as f:
                said += f.read()
        expect("No space left on device" in said, "a full disk is named: " + said)
        subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
        r = run(A + ["--out", out, "--fields"])
        compare("uninterrupted", refA, "full disk, then room again", table(out))
        expect(not temporaries(out), "temporaries left after the full disk: %s" % temporaries(out))
        print("full disk: exit 4 naming it; with room again the same command gives the equal table")
    finally:
        subprocess.run(["umount", mnt])
print("PASS (%.1f s)" % (time.time() - t0))
