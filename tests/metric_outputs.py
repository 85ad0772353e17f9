#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every metric of the metric table (postproc/metrics.c) in all four outputs, with the same
value and unit: the terminal summary, the JSON summary, the HDF5 records under /summary and
the sweep's results table (CSV and HDF5).

    metric_outputs.py RFLESION CASE WORKDIR

Runs CASE once (`run --json --output`, terminal captured) and as a one-case sweep, then
walks `rflesion check --metrics-tsv`. A metric may stay off the terminal or out of the
sweep only when its descriptor says why. Exits 1 naming every mismatch.
"""
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys

import h5py

# the run's terminal lines by rfl_term_line (metrics.h)
LINES = {5: "Generator at the end of RF:", 6: "Peak tissue temperature:", 7: "Energy (J):", 9: "Grid "}
COURSE_LINE = 10  # "  along its course of ...", after a tube structure's own line

problems = []


def fail(what):
    problems.append(what)
    print("FAIL:", what)


def metrics(exe):
    out = subprocess.run([exe, "check", "--metrics-tsv"], check=True, capture_output=True, text=True).stdout
    keys = ("scope", "json", "column", "sweep", "unit", "type", "line", "before", "format", "after", "scale",
            "nan_text")
    rows = [dict(zip(keys, line.split("\t"))) for line in out.splitlines()]
    for r in rows:
        r["line"], r["scale"] = int(r["line"]), float(r["scale"])
    return rows


def run(exe, case, work):
    cmd = [exe, "run", case, "--json", work + "/run.json", "--output", work + "/run.h5", "--threads", "1"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("run failed (%d): %s" % (p.returncode, p.stderr))
    cmd = [exe, "sweep", case, "--vary", "generator.duration_s=10", "--vary", "generator.set_temperature_C=80",
           "--out", work + "/sweep", "--threads", "1", "-q"]
    s = subprocess.run(cmd, capture_output=True, text=True)
    if s.returncode not in (0, 1):
        sys.exit("sweep failed (%d): %s" % (s.returncode, s.stderr))
    return p.stdout.splitlines()


def json_at(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return KeyError
        obj = obj[part]
    return obj


def h5_units(dset):
    return dict(zip(dset.dtype.names, dset.attrs["units"].decode().split(",")))


def same(m, want, got, where):
    """want: the JSON value; got: another output's value (bytes, number or text)."""
    if m["type"] == "text":
        got = got.decode() if isinstance(got, bytes) else got
        ok = got == want
    elif m["type"] == "found":
        ok = bool(int(float(got))) == want
    elif want is None:
        ok = math.isnan(float(got))
    else:
        ok = "%.10g" % float(got) == "%.10g" % want
    if not ok:
        fail("%s %s: %r in JSON, %r in %s" % (m["scope"], m["json"], want, got, where))


def unit_ok(m, name, where):
    """A JSON path or a column carries its unit as a part: lesion.volume_mm3, energy_J.stored."""
    if m["unit"] not in ("-", "1") and m["unit"].replace("^", "") not in re.split(r"[._]", name):
        fail("%s %s: %s name %r does not carry its unit %s" % (m["scope"], m["json"], where, name, m["unit"]))


def terminal(m, value, line, where):
    """The metric's phrase on its terminal line: before, the value as printed, an optional
    error, after (nan_text for a value that does not exist), and its unit in words."""
    if line is None:
        fail("%s %s: no terminal line (%s)" % (m["scope"], m["json"], where))
        return
    if value is None and m["nan_text"] == "=":  # printed as nothing
        return
    if value is None and m["nan_text"]:
        text = re.escape(m["nan_text"][1:])
    else:
        text = re.escape(m["before"] + m["format"] % (m["scale"] * value)) + r"( \+- [0-9.e+-]+)?" + \
            re.escape(m["after"])
    if not re.search(text, line):
        fail("%s %s: terminal line %r lacks %r" % (m["scope"], m["json"], line, text))
    shown = ("m" if m["scale"] == 1e3 else "") + m["unit"].replace("^", "")
    if m["unit"] not in ("-", "1", "J") and shown not in m["before"] + m["after"]:
        fail("%s %s: terminal phrase shows no unit %s" % (m["scope"], m["json"], shown))


def line_of(lines, start, nth=0):
    found = [l for l in lines if re.match(start, l)]
    return found[nth] if len(found) > nth else None


def snapshot_line(m, lines, place, js, jp):
    """The terminal line of a snapshot metric, None when it is not printed (no cool-down,
    or no lesion: the line says "none")."""
    if m["line"] == 1:
        return line_of(lines, ("Lesion at the end of RF", "After the cool-down")[place])
    which = "lesion" if m["line"] == 2 else "isotherm"
    if m["line"] != 4 and not json_at(js, jp + which + ".found"):
        return None
    return line_of(lines, r"  Omega >= 1:" if m["line"] == 2 else r"  \S+ C isotherm:", place)


def check_snapshots(table, js, h5, row, lines, cooldown):
    rec, lesion = h5["summary/metrics"][0], h5["summary/lesion"]
    units, lunits = h5_units(h5["summary/metrics"]), h5_units(lesion)
    rows = {r["snapshot"].decode(): r for r in lesion[:]}
    for place, (jp, cp, name) in enumerate((("", "", "end_of_rf"), ("after_cooldown.", "final_", "final"))):
        for m in (m for m in table if m["scope"] == "snapshot"):
            want = json_at(js, jp + m["json"])
            if want is KeyError:
                fail("snapshot %s%s: not in the JSON" % (jp, m["json"]))
                continue
            same(m, want, rec[cp + m["column"]], "/summary/metrics " + cp + m["column"])
            same(m, want, rows[name][m["column"]], "/summary/lesion[%s]" % name)
            if units.get(cp + m["column"]) != m["unit"] or lunits.get(m["column"]) != m["unit"]:
                fail("snapshot %s: HDF5 unit %r, table %r" % (m["json"], units.get(cp + m["column"]), m["unit"]))
            unit_ok(m, jp + m["json"], "JSON")
            if cp + m["sweep"] not in row:
                fail("snapshot %s: sweep column %s missing" % (m["json"], cp + m["sweep"]))
            else:
                same(m, want, row[cp + m["sweep"]], "the sweep's " + cp + m["sweep"])
                unit_ok(m, cp + m["sweep"], "sweep")
            if m["line"] and (place == 0 or cooldown):
                line = snapshot_line(m, lines, place, js, jp)
                if line is not None or m["line"] in (1, 4):
                    terminal(m, want, line, name)


def check_run(table, js, h5, row, lines):
    rec, units = h5["summary/metrics"][0], h5_units(h5["summary/metrics"])
    for m in (m for m in table if m["scope"] == "run"):
        want = json_at(js, m["json"])
        if want is KeyError:
            fail("run %s: not in the JSON" % m["json"])
            continue
        if m["column"] not in units:
            fail("run %s: no HDF5 column %s" % (m["json"], m["column"]))
            continue
        if m["json"] not in ("wall_s", "setup_s"):  # the sweep's run is another run
            same(m, want, rec[m["column"]], "/summary/metrics")
        if units[m["column"]] != m["unit"]:
            fail("run %s: HDF5 unit %r, table %r" % (m["json"], units[m["column"]], m["unit"]))
        unit_ok(m, m["json"], "JSON")
        if m["sweep"]:
            if m["sweep"] not in row:
                fail("run %s: sweep column %s missing" % (m["json"], m["sweep"]))
            elif m["json"] not in ("setup_s", "threads"):
                same(m, want, row[m["sweep"]], "the sweep's " + m["sweep"])
            unit_ok(m, m["sweep"], "sweep")
        if m["line"]:
            terminal(m, want, line_of(lines, re.escape(LINES[m["line"]])), "run")


def check_structures(table, js, h5, row, lines):
    recs, units = h5["summary/structures"][:], h5_units(h5["summary/structures"])
    for k, st in enumerate(js["structures"]):
        head = "Structure '%s'" % st["name"]
        for m in (m for m in table if m["scope"] == "structure"):
            want = st.get(m["json"], KeyError)
            if want is KeyError:
                fail("structure %s: not in the JSON" % m["json"])
                continue
            same(m, want, recs[k][m["column"]], "/summary/structures")
            if units.get(m["column"]) != m["unit"]:
                fail("structure %s: HDF5 unit %r, table %r" % (m["json"], units.get(m["column"]), m["unit"]))
            col = st["name"] + "." + m["sweep"]
            if col not in row:
                fail("structure %s: sweep column %s missing" % (m["json"], col))
            else:
                same(m, want, row[col], "the sweep's " + col)
            if m["line"] != COURSE_LINE:
                terminal(m, want, line_of(lines, re.escape(head)), st["name"])
            elif st["course_length_mm"] is not None:  # a tube: the line after its own
                at = lines.index(line_of(lines, re.escape(head)))
                terminal(m, want, lines[at + 1] if at + 1 < len(lines) else None, st["name"] + " course")


def main():
    exe, case, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    table = metrics(exe)
    for m in table:  # all four outputs, or a reason in the table
        if m["line"] == 0 and m["type"] == "real":
            fail("%s %s: a real figure off the terminal" % (m["scope"], m["json"]))
        if not m["sweep"] and m["json"] not in ("wall_s", "setup_s"):  # timings: the sweep has its own wall_s
            fail("%s %s: not in the sweep" % (m["scope"], m["json"]))
    lines = run(exe, case, work)
    with open(work + "/run.json") as f:
        js = json.load(f)
    if js.get("schema_version") != 1:  # raised only when a key is renamed or removed
        fail("JSON schema_version: %r, expected 1" % js.get("schema_version"))
    with open(work + "/sweep/results.csv") as f:
        row = list(csv.DictReader(f))[0]
    with h5py.File(work + "/sweep/results.h5", "r") as t:
        hrow = t["results"][0]
        for name in row:
            v = hrow[name]
            text = v.decode() if isinstance(v, bytes) else "%.10g" % v if isinstance(v, float) else str(v)
            if name not in ("wall_s",) and text != row[name] and not (text == "nan" and row[name] == "nan"):
                fail("sweep column %s: %r in the CSV, %r in results.h5" % (name, row[name], text))
    with h5py.File(work + "/run.h5", "r") as h5:
        cooldown = json_at(js, "after_cooldown.time_s") != js["time_s"]
        check_snapshots(table, js, h5, row, lines, cooldown)
        check_run(table, js, h5, row, lines)
        check_structures(table, js, h5, row, lines)
    print("%d metrics, %d problems" % (len(table), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
