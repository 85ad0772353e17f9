#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""rflesion figures RESULT.h5 --out DIR against rflesion run --figures.

The default case (on a coarser grid of 115k cells, 20 s of RF and a 6 s cool-down, to keep the test
short) is run once with --output and --figures; `rflesion figures` then draws the same
figures from the .h5. Stated tolerance: the .h5 stores the fields as float32, so a few
pixels may differ by a rounding step: no pixel differs by more than 8 levels (of 255) in any
channel, and at most 0.1 % of the pixels differ at all. The time series (stored as float64)
is identical. A file whose case, read again, builds another grid (a run refined for its
accuracy target) is drawn on the file's own grid. Then --format, --dpi, --range and --crop,
and the exact messages of bad options (exit 2).

usage: figures_redraw.py RFLESION CASE WORKDIR
"""
import os
import shutil
import subprocess
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402

rfl, case, work = sys.argv[1:4]
SMALL = ["--set", "grid.spacing_mm=0.21", "--set", "grid.growth=1.5",
         "--set", "grid.domain_min_mm=-14,-14,-14", "--set", "grid.domain_max_mm=14,14,14",
         "--set", "grid.fine_min_mm=-2.5,-2.5,-6", "--set", "grid.fine_max_mm=2.5,2.5,6",
         "--set", "generator.duration_s=20", "--set", "generator.cooldown_s=6", "--set", "generator.ramp_s=5"]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(args, expect):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != expect:
        fail("%s: exit %d, expected %d\n%s%s" % (" ".join(args), p.returncode, expect, p.stdout, p.stderr))
    return p


def compare(a_path, b_path):
    a, b = mpimg.imread(a_path), mpimg.imread(b_path)
    if a.shape != b.shape:
        fail("%s: %s, the run's %s" % (b_path, b.shape, a.shape))
        return
    d = (np.abs(a.astype(float) - b.astype(float)) * 255).round().max(axis=2)
    n, big = int((d > 0).sum()), int((d > 8).sum())
    print("%s: %d of %d pixels differ, %d by more than 8 levels (largest %d)" % (
        os.path.basename(b_path), n, d.size, big, d.max()))
    if big or n > 0.001 * d.size:
        fail("%s differs from the run's figure beyond the tolerance" % b_path)
    return n


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
h5, runfig, redraw = (os.path.join(work, x) for x in ("small.h5", "run", "redraw"))
run([rfl, "run", case] + SMALL + ["--output", h5, "--figures", runfig, "-q"], 0)

# the same figures, and a slice towards each protected structure
p = run([rfl, "figures", h5, "--out", redraw], 0)
if p.stdout != "Figures: %s/\n" % redraw:
    fail("figures printed %r" % p.stdout)
for stem in ("slice_end_of_rf", "slice_across", "slice_peak", "timeseries"):
    n = compare(os.path.join(runfig, stem + ".png"), os.path.join(redraw, stem + ".png"))
    if stem == "timeseries" and n:
        fail("the time series differs from the run's")
if not os.path.getsize(os.path.join(redraw, "slice_towards_ventral_ramus.png")) > 10000:
    fail("no slice towards the ventral ramus")
if os.path.exists(os.path.join(runfig, "slice_towards_ventral_ramus.png")):
    fail("run --figures drew the per-structure slice")

# a run whose case, read again, builds another grid (as one refined for its accuracy target
# does) is drawn on the grid the file stores
import h5py  # noqa: E402
refined, refined_out = os.path.join(work, "refined.h5"), os.path.join(work, "refined")
shutil.copy(h5, refined)
with h5py.File(refined, "r+") as f:
    ini = f["case"].attrs["ini"].decode().replace("spacing_mm = 0.21", "spacing_mm = 0.2")
    del f["case"].attrs["ini"]
    f["case"].attrs["ini"] = np.bytes_(ini)
p = run([rfl, "figures", refined, "--out", refined_out, "-q"], 0)
if p.returncode == 0:
    a = mpimg.imread(os.path.join(redraw, "slice_end_of_rf.png"))
    b = mpimg.imread(os.path.join(refined_out, "slice_end_of_rf.png"))
    if a.shape != b.shape or np.abs(a - b).max() != 0:
        fail("the slice of a file whose case builds another grid differs from the file's own")

# formats and resolution
run([rfl, "figures", h5, "--out", redraw, "--format", "svg", "-q"], 0)
run([rfl, "figures", h5, "--out", redraw, "--format", "pdf", "-q"], 0)
with open(os.path.join(redraw, "slice_across.svg")) as f:
    if "<svg" not in f.read(400):
        fail("slice_across.svg is not SVG")
with open(os.path.join(redraw, "slice_peak.pdf"), "rb") as f:
    if f.read(5) != b"%PDF-":
        fail("slice_peak.pdf is not PDF")
hi = os.path.join(work, "hi")
run([rfl, "figures", h5, "--out", hi, "--dpi", "192", "-q"], 0)
shape = mpimg.imread(os.path.join(hi, "slice_end_of_rf.png")).shape
if shape[:2] != (2 * 854, 2 * 1080):
    fail("--dpi 192: slice of %s pixels, expected 1708 x 2160" % (shape[:2],))
tuned = os.path.join(work, "tuned")
run([rfl, "figures", h5, "--out", tuned, "--range", "37:60", "--crop", "6", "-q"], 0)
a = mpimg.imread(os.path.join(redraw, "slice_end_of_rf.png"))
b = mpimg.imread(os.path.join(tuned, "slice_end_of_rf.png"))
if a.shape != b.shape or np.abs(a - b).max() == 0:
    fail("--range and --crop changed nothing")

# bad options: exit 2, exact messages, nothing written
bad = [(["--out", tuned, "--range", "60:37"], "rflesion figures: --range: expected TMIN:TMAX in C with TMIN < TMAX, found '60:37'\n"),
       (["--out", tuned, "--range", "37"], "rflesion figures: --range: expected TMIN:TMAX in C with TMIN < TMAX, found '37'\n"),
       (["--out", tuned, "--crop", "0"], "rflesion figures: --crop: expected a half-width in mm, 1..200, found '0'\n"),
       (["--out", tuned, "--crop", "5mm"], "rflesion figures: --crop: expected a half-width in mm, 1..200, found '5mm'\n"),
       (["--out", tuned, "--format", "gif"], "rflesion figures: --format: expected png, svg or pdf, found 'gif'\n"),
       (["--out", tuned, "--dpi", "10"], "rflesion figures: --dpi: expected an integer 24..768, found '10'\n"),
       ([], "rflesion figures: --out DIR: expected the directory for the figures, found none\n")]
for extra, message in bad:
    p = run([rfl, "figures", h5] + extra, 2)
    if p.stderr != message:
        fail("figures %s: stderr %r, expected %r" % (" ".join(extra), p.stderr, message))
p = run([rfl, "figures", case, "--out", tuned], 2)
want = "rflesion: %s: expected an HDF5 result file of rflesion run, found another kind of file\n" % case
if p.stderr != want:
    fail("figures CASE.ini: stderr %r, expected %r" % (p.stderr, want))
missing = os.path.join(work, "missing.h5")
p = run([rfl, "figures", missing, "--out", tuned], 2)
if p.stderr != "rflesion: %s: cannot open the result file: No such file or directory\n" % missing:
    fail("figures missing.h5: stderr %r" % p.stderr)
p = run([rfl, "figures", "--help"], 0)
if "--crop HALF_MM" not in p.stdout or "--range TMIN:TMAX" not in p.stdout:
    fail("--help does not state --crop and --range")
p = run([rfl, "--help"], 0)
if "  figures " not in p.stdout:
    fail("rflesion --help does not list figures")

print("figures_redraw: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
