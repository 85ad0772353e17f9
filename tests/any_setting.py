# SPDX-License-Identifier: BSD-3-Clause
"""A user's own settings on a shipped case, with no grid, time-step or output key touched:
other gauges, tips, set temperatures and durations of RC-1 run (exit 0), state every
figure's error (JSON errors.estimated, the target met or a note saying why not), and move
the lesion the way the physics says (thinner needle, shorter tip, lower set temperature
or shorter run: a smaller lesion). A sweep over the duration, the first sweep anyone runs,
works. The full table over every shipped case is in the closing notes / docs.

usage: any_setting.py RFLESION SOURCE_DIR WORKDIR"""
import json
import os
import shutil
import subprocess
import sys

rfl, src, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
case = os.path.join(src, "cases", "reference", "rc1.ini")


def fail(msg):
    sys.exit("FAIL: " + msg)


def run(name, *sets):
    out = os.path.join(work, name + ".json")
    cmd = [rfl, "run", case, "--no-output", "--quiet", "--json", out]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s: exit %d\n%s" % (" ".join(cmd), r.returncode, r.stderr))
    with open(out) as f:
        d = json.load(f)
    e = d["errors"]
    if not e["estimated"]:
        fail("%s: no error estimate (%s)" % (name, e["note"]))
    for k in ("width_mm", "length_mm", "distal_mm", "volume_mm3"):
        v = e["lesion"][k]
        if v is None or not v > 0.0:
            fail("%s: error of lesion %s is %r" % (name, k, v))
    if not e["met"] and not e["note"]:
        fail("%s: accuracy target not met and no note says why" % name)
    print("%-10s width %.2f +- %.2f mm, length %.2f +- %.2f mm, largest error %.3f mm, cells %.3f mm"
          % (name, d["lesion"]["width_mm"], e["lesion"]["width_mm"], d["lesion"]["length_mm"],
             e["lesion"]["length_mm"], e["largest_length_mm"], e["spacing_mm"]))
    return d


base = run("rc1")
smaller = {
    "22G": run("22G", "probe.diameter_mm=0.717"),
    "tip5": run("tip5", "probe.tip_length_mm=5"),
    "60C": run("60C", "generator.set_temperature_C=60"),
    "30s": run("30s", "generator.duration_s=30"),
}
larger = {"16G": run("16G", "probe.diameter_mm=1.651")}
w0 = base["lesion"]["width_mm"]
for name, d in smaller.items():
    if not d["lesion"]["volume_mm3"] < base["lesion"]["volume_mm3"]:
        fail("%s: lesion volume %.1f mm3 not below RC-1's %.1f" % (name, d["lesion"]["volume_mm3"],
                                                                 base["lesion"]["volume_mm3"]))
for name, d in larger.items():
    if not d["lesion"]["width_mm"] > w0:
        fail("%s: lesion width %.2f mm not above RC-1's %.2f" % (name, d["lesion"]["width_mm"], w0))
# a thin needle gets finer cells: at least 3 per radius
if not smaller["22G"]["errors"]["spacing_mm"] <= 0.717 / 2 / 3 + 1e-9:
    fail("22G: cells of %.4f mm" % smaller["22G"]["errors"]["spacing_mm"])

# the first sweep anyone runs: over the duration, with the output times following each run
out = os.path.join(work, "sweep")
r = subprocess.run([rfl, "sweep", case, "--out", out, "--quiet", "--vary", "generator.duration_s=30,60"],
                   capture_output=True, text=True)
if r.returncode != 0:
    fail("sweep over duration_s: exit %d\n%s" % (r.returncode, r.stderr))
with open(os.path.join(out, "results.csv")) as f:
    rows = f.read().strip().splitlines()
if len(rows) != 3:
    fail("sweep table: expected a header and 2 rows, found %d lines" % len(rows))
print("PASS")
