#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Tissue-property uncertainty of the lumbar medial-branch preset, as a seeded random sweep.

Draws the electrical conductivity of muscle, its temperature coefficient, its thermal
conductivity and its perfusion from their published spread (GSL MT19937 through
`rflesion sweep`, seed fixed), crossed with the published Arrhenius parameter sets for soft
tissue coagulation, runs the preset for every draw, and writes docs/uncertainty.md with the
spread of the lesion width and of the ventral-ramus margin and peak temperature ("8.9 +/- 0.6
mm", not one number), plus a figure.

    scripts/uncertainty_study.py [--rflesion build/release/cli/rflesion] [--samples 16]
                                 [--np N] [--reuse] [--set KEY=VALUE ...] [--replot [CSV]]

--np N runs the sweep as an MPI task farm of N ranks (mpirun); --reuse keeps a finished
sweep in build/uncertainty (a killed one resumes either way); --set adds a setting to every
run; --replot runs nothing and rewrites the page and figure from a finished sweep's
results.csv (build/uncertainty/results.csv unless given). Needs /usr/bin/python3 with
numpy and matplotlib (Debian packages).
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASE = "cases/clinical/lumbar_mb_18g.ini"
OUT = "build/uncertainty"
SEED = 20261129

# Every drawn property with its distribution and where the spread comes from. Truncation keeps
# the draws physical (2 standard deviations).
DRAWS = [
    ("material:muscle.sigma_S_m", "normal(0.4459, 0.067, 0.312, 0.580)",
     "electrical conductivity of muscle at 500 kHz, S/m",
     "mean: Gabriel 1996 Cole-Cole at 500 kHz (data/tissue_properties.csv); "
     "SD 15 %: assumed, of the order of the scatter between samples in the dielectric "
     "literature; Hall, Ooi & Payne 2015 (Int J Hyperthermia 31:538) rank conductivity among "
     "the three inputs that move RF ablation zones most"),
    ("material:muscle.dsigma_dT_percent_per_C", "normal(1.5, 0.28, 0.94, 2.06)",
     "temperature coefficient of sigma, %/C",
     "mean: the model default 1.5 %/C (data/tissue_properties.csv, generic soft tissue row); SD 0.28 %/C as measured for "
     "ex vivo bovine liver, 1.82 +/- 0.28 %/C (data/tissue_properties.csv)"),
    ("material:muscle.k_W_mK", "normal(0.495, 0.04, 0.415, 0.575)",
     "thermal conductivity of muscle, W/(m K)",
     "mean: IT'IS database (data/tissue_properties.csv); SD 0.04 W/(m K) (8 %): "
     "assumed, of the order of the scatter between the sources that IT'IS and McIntosh & "
     "Anderson 2010 (Biophys Rev Lett 5:129) compile for muscle"),
    ("material:muscle.perfusion_1_s", "normal(6.677e-4, 3.3e-4, 1.0e-4, 1.33e-3)",
     "blood perfusion of muscle, 1/s",
     "mean: IT'IS heat-transfer rate of muscle (data/tissue_properties.csv); SD "
     "50 %: resting-muscle perfusion varies several-fold between sources (IT'IS spread; "
     "dos Santos et al. 2009, Phys Med Biol 54:627, find perfusion and k dominate the "
     "variability of RF ablation zones)"),
]
# The case's tissues (materials of the background and the structures).
TISSUES = ["muscle", "bone_cortical", "fat", "nerve"]
# Published Arrhenius sets for soft-tissue coagulation (data/damage_models.csv):
# a choice of model, crossed with the draws rather than drawn.
ARRHENIUS = [
    ("7.39e39", "2.577e5", "Chang & Nguyen 2004 (generic soft tissue; the model default)"),
    ("1.95e36", "2.515e5", "irreversible conductivity change of ex vivo bovine liver "
     "(data/damage_models.csv): a slower, later tissue change, standing for a "
     "lesion edge judged by a different endpoint"),
]


def sweep_command(args):
    """The rflesion (or mpirun) command line of the sweep, and its environment."""
    # 2 s steps as in the reference cases (lesion figures within 0.01 mm of 0.5 s steps
    # there, docs/performance.md): half the preset's cost per draw
    cmd = [args.rflesion, "sweep", CASE, "--out", OUT, "--samples", str(args.samples),
           "--seed", str(SEED), "-q", "--set", "solver.dt_s=2"]
    for extra in args.set:
        cmd += ["--set", extra]
    # one Arrhenius set for every tissue of the case at once: a lesion edge judged by one
    # endpoint (with muscle alone changed, the bone and fat next to it would still coagulate
    # by the default kinetics and the measured lesion would mix two endpoints)
    zipped = []
    for m in TISSUES:
        cmd += ["--vary", f"material:{m}.arrhenius_A_1_s=" + ",".join(a for a, _, _ in ARRHENIUS),
                "--vary", f"material:{m}.arrhenius_Ea_J_mol=" + ",".join(e for _, e, _ in ARRHENIUS)]
        zipped += [f"material:{m}.arrhenius_A_1_s", f"material:{m}.arrhenius_Ea_J_mol"]
    cmd += ["--zip", ",".join(zipped)]
    for key, dist, _, _ in DRAWS:
        cmd += ["--vary", f"{key}={dist}"]
    env = dict(os.environ)
    if args.np > 1:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMP_NUM_THREADS="1")
        cmd = ["mpirun", "-np", str(args.np), "--oversubscribe"] + cmd
    return cmd, env


def shown(cmd):
    return " ".join(c if " " not in c else f"'{c}'" for c in cmd)


def run_sweep(args):
    out = os.path.join(ROOT, OUT)
    if not args.reuse and os.path.isdir(out):
        shutil.rmtree(out)
    cmd, env = sweep_command(args)
    print(" ".join(cmd), file=sys.stderr)
    t = time.time()
    r = subprocess.run(cmd, cwd=ROOT, env=env)
    if r.returncode not in (0, 1):  # 1: some draws raised a safety flag, which is a result
        sys.exit(f"uncertainty_study: the sweep failed with exit code {r.returncode}")
    wall = time.time() - t
    saved = os.path.join(out, "study_wall_s")
    if args.reuse and os.path.exists(saved):  # the wall time of the run that did the work
        wall = max(wall, float(open(saved).read()))
    with open(saved, "w") as f:
        f.write(f"{wall}\n")
    return wall, shown(cmd)


def replotted_sweep(args):
    """The wall time and command of the finished sweep whose results.csv --replot reads."""
    saved = os.path.join(os.path.dirname(os.path.abspath(args.replot)), "study_wall_s")
    if not os.path.exists(saved):
        sys.exit(f"uncertainty_study: {saved}: no wall time of a finished sweep beside {args.replot}")
    return float(open(saved).read()), shown(sweep_command(args)[0])


def summary(v):
    v = np.asarray(v, dtype=float)
    return (f"{v.mean():.2f} +/- {v.std(ddof=1):.2f} "
            f"(5-95 %: {np.percentile(v, 5):.2f} .. {np.percentile(v, 95):.2f})")


def spread_band(ax, v, unit, what, vertical=False):
    """Shade the mean +/- 1 SD of v on ax and give them in the axis title."""
    m, sd = float(np.mean(v)), float(np.std(v, ddof=1))
    span, line = (ax.axvspan, ax.axvline) if vertical else (ax.axhspan, ax.axhline)
    span(m - sd, m + sd, color="0.88", zorder=0)
    line(m, color="0.45", linewidth=1, zorder=1)
    ax.set_title(f"{what}: {m:.2f} \u00b1 {sd:.2f} {unit}", fontsize=8.5)


def draw_figure(ok, akey, figpath):
    """One row per Arrhenius set, each axis scaled to its own data so the spread shows: the
    lesion width against the muscle's sigma and perfusion, and the ventral ramus margin and peak
    temperature of every draw (histograms)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(13, 6.6), layout="constrained")
    rows = fig.subfigures(len(ARRHENIUS), 1)
    for i, (sub, (a, e, src), colour) in enumerate(zip(rows, ARRHENIUS, ["tab:red", "tab:purple"])):
        sel = [r for r in ok if float(r[akey]) == float(a)]
        ax = sub.subplots(1, 4)
        sub.suptitle(f"Arrhenius set A = {a} 1/s, Ea = {float(e) / 1e3:.1f} kJ/mol: {src.split(' (')[0]}"
                     f"{' (the model default)' if i == 0 else ''}, {len(sel)} draws", fontsize=9.5)
        if not sel:
            continue
        w = [float(r["lesion_width_mm"]) for r in sel]
        for axis, key, scale, xlabel in [
                (ax[0], "material:muscle.sigma_S_m", 1.0, "muscle \u03c3 (S/m)"),
                (ax[1], "material:muscle.perfusion_1_s", 1e3, "muscle perfusion (10\u207b\u00b3 1/s)")]:
            spread_band(axis, w, "mm", "width")
            axis.plot([float(r[key]) * scale for r in sel], w, "o", color=colour, markersize=5, label="one draw")
            axis.set_xlabel(xlabel, fontsize=8.5)
            axis.set_ylabel("\u03a9 \u2265 1 lesion width (mm)", fontsize=8.5)
        for axis, key, unit, xlabel in [(ax[2], "ventral_ramus.margin_mm", "mm", "ventral ramus margin (mm)"),
                                        (ax[3], "ventral_ramus.peak_C", "\u00b0C",
                                         "ventral ramus peak temperature (\u00b0C)")]:
            v = [float(r[key]) for r in sel]
            spread_band(axis, v, unit, xlabel.split(" (")[0], vertical=True)
            axis.hist(v, bins=8, color=colour, alpha=0.75, edgecolor="white")
            axis.set_xlabel(xlabel, fontsize=8.5)
            axis.set_ylabel("draws", fontsize=8.5)
            axis.yaxis.get_major_locator().set_params(integer=True)
            axis.margins(x=0.25)
        for axis in ax:
            axis.tick_params(labelsize=7.5)
            axis.grid(alpha=0.3)
    fig.suptitle("Lumbar MB 18G preset, 80 \u00b0C, 90 s: spread from the tissue properties (dots: one "
                 "draw each; bars: draws per bin; grey line and band: mean \u00b1 1 SD)", fontsize=10.5)
    tmp = figpath + ".tmp.png"  # written whole, then renamed into place
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    os.replace(tmp, figpath)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rflesion", default="build/release/cli/rflesion")
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--np", type=int, default=1)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="an extra --set for every run of the sweep (e.g. solver.error_estimate=no)")
    p.add_argument("--replot", nargs="?", const=os.path.join(ROOT, OUT, "results.csv"), metavar="CSV",
                   help="run nothing: rewrite the page and figure from a finished sweep's results.csv "
                        f"(default {OUT}/results.csv); the page shows the command the other options give")
    args = p.parse_args()
    wall, cmd = replotted_sweep(args) if args.replot else run_sweep(args)
    results = args.replot or os.path.join(ROOT, OUT, "results.csv")
    if not os.path.exists(results):  # an interrupted sweep (mpirun may still exit 1)
        sys.exit(f"uncertainty_study: {results}: no results; the sweep did not finish")
    rows = list(csv.DictReader(open(results)))
    failed = [r for r in rows if r["status"] == "failed"]
    ok = [r for r in rows if r["status"] != "failed"]
    akey = "material:muscle.arrhenius_A_1_s"

    lines = ["# Tissue-property uncertainty: lumbar medial branch, 18G 10 mm, 80 C, 90 s", "",
             "Generated by `scripts/uncertainty_study.py` from the current code; do not edit by hand.", "",
             f"Case `{CASE}`: {len(rows)} runs ({args.samples} seeded draws x {len(ARRHENIUS)} "
             f"Arrhenius sets, seed {SEED}), {len(failed)} failed; sweep wall time {wall:.0f} s.", "",
             "Command:", "", "```", cmd, "```", "",
             "## What was drawn", "",
             "| key | distribution (truncated at 2 SD) | quantity | source of the spread |",
             "|---|---|---|---|"]
    for key, dist, what, src in DRAWS:
        lines.append(f"| `{key}` | `{dist}` | {what} | {src} |")
    lines += ["", "Arrhenius parameters are not drawn independently (A and Ea of one fit are "
              "strongly correlated); each published set, applied to every tissue of the case ("
              + ", ".join(TISSUES) + "), is run with every draw:", "",
              "| A, 1/s | Ea, J/mol | source |", "|---|---|---|"]
    for a, e, src in ARRHENIUS:
        lines.append(f"| {a} | {e} | {src} |")
    lines += ["", "## Spread of the results (mean +/- SD, 5th-95th percentile)", "",
              "| Arrhenius set | lesion width, mm | 50 C isotherm width, mm | ventral ramus margin, mm | "
              "ventral ramus peak, C | draws with a flag |", "|---|---|---|---|---|---|"]
    for a, e, src in ARRHENIUS:
        sel = [r for r in ok if float(r[akey]) == float(a)]
        if not sel:
            continue
        flagged = sum(1 for r in sel if int(r["nflags"]) > 0)
        lines.append(
            f"| {a}, {e} | {summary([r['lesion_width_mm'] for r in sel])} | "
            f"{summary([r['isotherm_width_mm'] for r in sel])} | "
            f"{summary([r['ventral_ramus.margin_mm'] for r in sel])} | "
            f"{summary([r['ventral_ramus.peak_C'] for r in sel])} | {flagged} of {len(sel)} |")
    sets = [[r for r in ok if float(r[akey]) == float(a)] for a, _, _ in ARRHENIUS]
    if all(sets):
        w = [np.array([float(r["lesion_width_mm"]) for r in st]) for st in sets]
        iso = [np.array([float(r["isotherm_width_mm"]) for r in st]) for st in sets]
        lines += ["", "Reading: the tissue properties within their spread move the coagulated width by "
                  f"+/- {w[0].std(ddof=1):.2f} mm (1 SD) and the ventral ramus peak by "
                  f"+/- {np.std([float(r['ventral_ramus.peak_C']) for r in sets[0]], ddof=1):.2f} C; the "
                  f"choice of damage endpoint moves the width by {w[0].mean() - w[1].mean():.1f} mm, while "
                  f"the 50 C isotherm moves by {iso[0].mean() - iso[1].mean():.2f} mm. What a lesion edge "
                  "means (validation-notes, docs/validation.md) matters far more than the property spread; "
                  "the temperature-based figures (isotherm, nerve peak) are the robust ones."]
        # which flags the draws raised, per Arrhenius set (a flag is a result, not a failure)
        for (a, _, _), st in zip(ARRHENIUS, sets):
            raised = sorted({f.strip() for r in st for f in r["flags"].split(";") if f.strip()})
            if raised:
                lines.append(f"With A = {a}, the draws raised: " + ", ".join(f"`{f}`" for f in raised) +
                             " (a lesion that does not coagulate a whole cross-section of the target "
                             "nerve leaves it `target_not_covered`: docs/json-summary.md).")
    # sensitivity: rank correlation of each drawn input with the width (default Arrhenius set)
    base = [r for r in ok if float(r[akey]) == float(ARRHENIUS[0][0])]
    lines += ["", "## Which property matters (default Arrhenius set)", "",
              "Spearman rank correlation of each drawn property with the lesion width and with "
              "the ventral ramus peak temperature over the draws:", "",
              "| property | width | ventral ramus peak |", "|---|---|---|"]

    def ranks(x):
        return np.argsort(np.argsort(np.asarray(x, dtype=float)))

    def spearman(x, y):
        return float(np.corrcoef(ranks(x), ranks(y))[0, 1])
    for key, _, what, _ in DRAWS:
        x = [r[key] for r in base]
        lines.append(f"| {what} | {spearman(x, [r['lesion_width_mm'] for r in base]):+.2f} | "
                     f"{spearman(x, [r['ventral_ramus.peak_C'] for r in base]):+.2f} |")
    if failed:
        lines += ["", "## Failed draws", ""] + [f"- case {r['case']}: {r['message']}" for r in failed]

    draw_figure(ok, akey, os.path.join(ROOT, "docs", "figures", "uncertainty_lumbar.png"))
    lines += ["", "![per Arrhenius set: lesion width against muscle sigma and perfusion; ventral ramus "
              "margin and peak temperature of every draw](figures/uncertainty_lumbar.png)", ""]
    doc = os.path.join(ROOT, "docs", "uncertainty.md")
    with open(doc + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(doc + ".tmp", doc)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
