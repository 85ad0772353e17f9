#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every shipped case with a user's own settings, no grid, time-step or output key touched:
gauge 16/18/20/22G, tip 5/10/15 mm, set temperature 60/70/80/90 C, duration 30/60/120/180 s
and a few combinations. Prints a Markdown table of exit codes (0 ok, 1 safety flag; any
other is a failure) with the lesion width, its estimated error and the cell size.

usage: scripts/settings_table.py [--rflesion PATH] [--check-only] [--cases GLOB] [--out FILE]
                                 [--set KEY=VALUE ...] [--threads N]
  --check-only   validate each variant (rflesion check) instead of running it: seconds, not
                 hours
  --set          a setting added before each variant's own (e.g. solver.accuracy_mm=0.3 for a
                 quicker table on coarser automatic grids)"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

VARIANTS = [
    ("16G", ["probe.diameter_mm=1.651"]),
    ("18G", ["probe.diameter_mm=1.27"]),
    ("20G", ["probe.diameter_mm=0.909"]),
    ("22G", ["probe.diameter_mm=0.717"]),
    ("tip 5", ["probe.tip_length_mm=5"]),
    ("tip 10", ["probe.tip_length_mm=10"]),
    ("tip 15", ["probe.tip_length_mm=15"]),
    ("60 C", ["generator.set_temperature_C=60"]),
    ("70 C", ["generator.set_temperature_C=70"]),
    ("80 C", ["generator.set_temperature_C=80"]),
    ("90 C", ["generator.set_temperature_C=90"]),
    ("30 s", ["generator.duration_s=30"]),
    ("60 s", ["generator.duration_s=60"]),
    ("120 s", ["generator.duration_s=120"]),
    ("180 s", ["generator.duration_s=180"]),
    ("22G 5 mm 90 C 30 s", ["probe.diameter_mm=0.717", "probe.tip_length_mm=5",
                            "generator.set_temperature_C=90", "generator.duration_s=30"]),
    ("16G 15 mm 60 C 180 s", ["probe.diameter_mm=1.651", "probe.tip_length_mm=15",
                              "generator.set_temperature_C=60", "generator.duration_s=180"]),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--rflesion", default=os.path.join(here, "..", "build", "release", "cli", "rflesion"))
    ap.add_argument("--check-only", action="store_true")
    ap.add_argument("--cases", default=os.path.join(here, "..", "cases", "**", "*.ini"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    cases = sorted(glob.glob(a.cases, recursive=True))
    lines = ["| case | " + " | ".join(v[0] for v in VARIANTS) + " |",
             "|---|" + "---|" * len(VARIANTS)]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            cells = []
            for name, sets in VARIANTS:
                args = [a.rflesion, "check" if a.check_only else "run", case, "-q"]
                if not a.check_only:
                    args += ["--no-output", "--json", os.path.join(tmp, "s.json")]
                    if a.threads:
                        args += ["--threads", str(a.threads)]
                for s in a.set + sets:
                    args += ["--set", s]
                r = subprocess.run(args, capture_output=True, text=True)
                if r.returncode not in (0, 1):
                    failures += 1
                    cells.append("**exit %d**" % r.returncode)
                    print("%s %s: %s" % (case, name, r.stderr.strip()), file=sys.stderr)
                elif a.check_only:
                    cells.append(str(r.returncode))
                else:
                    with open(os.path.join(tmp, "s.json")) as f:
                        d = json.load(f)
                    e = d["errors"]
                    w = d["lesion"]["width_mm"]
                    err = e["lesion"]["width_mm"] if e["estimated"] else float("nan")
                    cells.append("%d: %.2f +- %.2f (h %.3f, %.0f s)" % (r.returncode, w, err, e.get("spacing_mm") or 0,
                                                                      d["wall_s"]))
                sys.stderr.write(".")
                sys.stderr.flush()
            lines.append("| %s | %s |" % (os.path.relpath(case, os.path.join(here, "..")), " | ".join(cells)))
            if a.out:  # the table so far: a stopped run keeps what it measured
                with open(a.out, "w") as f:
                    f.write("\n".join(lines) + "\n")
    text = "\n".join(lines) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    print(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
