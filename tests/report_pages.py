# SPDX-License-Identifier: BSD-3-Clause
"""rflesion report end to end, in three steps (ctest runs each as a test; see CMakeLists.txt):

  setup    a short case that raises a safety flag (the default case with the ventral ramus
           moved to 6.5 mm from the needle, 30 s of RF and 10 s of cool-down) run with --json,
           and a tiny sweep with a figure; both reports made
  content  the page's text against the JSON summary (case in words, lesion, structures,
           flags, provenance), error bars shown only when the file records them, the exact
           messages and exit code 2 of bad input, the atomic write
  browser  both pages in headless chromium through selenium: no console error, every figure
           present and decoded, the flagged structure highlighted, nothing fetched; exit 77
           (skipped) only when chromium, chromedriver or selenium are not installed

usage: report_pages.py STEP RFLESION SOURCE_DIR WORK_DIR
"""
import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import sys

STEP, EXE, SRC, WORK = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])
RUN_SETS = ["structure:ventral_ramus.points_mm=6.5,0.5,-15;6.5,0.5,15", "grid.spacing_mm=0.21",
            "generator.duration_s=30", "generator.cooldown_s=10", "solver.dt_s=2"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def rflesion(*args, expect=None):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, cwd=WORK)
    if expect is not None and p.returncode != expect:
        raise SystemExit(f"rflesion {' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}{p.stderr}")
    return p


def setup():
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    sets = [a for s in RUN_SETS for a in ("--set", s)]
    rflesion("run", str(SRC / "cases/default.ini"), *sets, "--output", "run.h5", "--json", "run.json", "-q", expect=1)
    rflesion("report", "run.h5", expect=0)
    rflesion("sweep", str(SRC / "tests/data/sweep_tiny.ini"), "--out", "sweep", "-q",
             "--figure", "lesion_width_mm:generator.duration_s:generator.set_temperature_C", expect=1)
    out = rflesion("report", "sweep", expect=0)
    check(out.stdout == "Report: sweep/report.html\n", f"report prints where the page went: {out.stdout!r}")


# ---- content --------------------------------------------------------------------------------

def value_in(html, pattern, what):
    m = re.search(pattern, html, re.S)
    check(m is not None, f"{what}: pattern {pattern!r} not on the page")
    return float(m.group(1)) if m else math.nan


def close(a, b):
    return (a is None and math.isnan(b)) or (a is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a)))


def lesion_checks(html, js):
    keys = {"width": "width_mm", "length": "length_mm", "distal": "distal_mm", "volume": "volume_mm3"}
    for fig, key in keys.items():
        row = re.search(rf'<tr data-figure="{fig}">(.*?)</tr>', html, re.S).group(1)
        for crit, ref in (("omega", js["lesion"]), ("isotherm", js["isotherm"]),
                          ("omega_final", js["after_cooldown"]["lesion"])):
            v = value_in(row, rf'data-criterion="{crit}"><span class="num" data-value="([^"]+)"', f"{fig} {crit}")
            check(close(ref[key], v), f"lesion {fig} ({crit}) {v} against the JSON's {ref[key]}")


def structure_checks(html, js):
    for s in js["structures"]:
        m = re.search(rf'<tr class="structure( flagged)?" data-structure="{s["name"]}">(.*?)</tr>', html, re.S)
        check(m is not None, f"row of {s['name']}")
        if not m:
            continue
        check(bool(m.group(1)) == bool(s["flags"]), f"{s['name']} highlighted exactly when flagged ({s['flags']})")
        for col in ("margin_mm", "isotherm_margin_mm", "peak_C", "max_cem43_min"):
            v = value_in(m.group(2), rf'data-column="{col}"><span class="num" data-value="([^"]+)"', col)
            check(close(s[col], v), f"{s['name']} {col} {v} against the JSON's {s[col]}")
        for flag in s["flags"]:
            check(f'data-flag="{flag}"' in m.group(2), f"{s['name']} lists flag {flag}")
    vr = next(s for s in js["structures"] if s["name"] == "ventral_ramus")
    words = (f"Ventral ramus reached {vr['peak_C']:.1f} \u00b0C (limit 45 \u00b0C) at {vr['peak_time_s']:.1f} s, "
             f"{vr['peak_time_s'] - 30:.1f} s after RF stopped; it was at or above 45 \u00b0C from "
             f"{vr['threshold_crossed_s']:.1f} s")
    check(words in html, f"the ventral ramus in words: {words!r}")
    check(re.search(r'<li class="structure-words flagged" data-structure="ventral_ramus">', html) is not None,
          "the flagged nerve's sentence is highlighted")
    n = len(js["flags"])
    verdict = f'{n} safety flag{"" if n == 1 else "s"} raised: {", ".join(js["flags"])}'
    check(verdict in html, f"the verdict names the flags: {verdict!r}")


def case_checks(html, js):
    title = js["name"]
    for words in (f"Procedure: {title} (18G 10 mm, 80 C, 30 s + 10 s cool-down).",
                  "Active electrode: 18G needle (1.27 mm diameter) with a 10.0 mm active tip, rounded end",
                  "Temperature-controlled RF: the set point rises from 37 \u00b0C to 80 \u00b0C over a 10 s ramp "
                  "and is held until RF stops at 30 s",
                  "Then 10 s of cool-down with the generator off (the run ends at 40 s).",
                  "Structure ventral_ramus: protected nerve of nerve, limit 45 \u00b0C, required gap 1.0 mm",
                  f"<th>Commit</th><td>{js['provenance']['commit']}</td>",
                  f"<th>Case hash</th><td>{js['provenance']['case_hash']}</td>",
                  f"<th>rflesion version</th><td>{js['provenance']['version']}</td>"):
        check(words.replace('"', "&quot;") in html, f"the page says {words!r}")
    check("http://" not in html and "https://" not in html, "no address outside the page")
    check(len(re.findall(r'<img src="data:image/png;base64,', html)) == 3, "three figures embedded")


def error_bar_checks():
    import h5py
    js = json.loads((WORK / "run.json").read_text())
    html = html_of("run.html")
    bars = [float(v) for v in re.findall(r'class="error-bar" data-value="([^"]+)"', html)]
    row = re.search(r'<tr data-figure="width">(.*?)</tr>', html, re.S).group(1)
    m = re.search(r'data-criterion="omega"><span class="num" data-value="[^"]+">[^<]*</span> '
                  r'<span class="error-bar" data-value="([^"]+)">', row)
    check(m is not None and abs(float(m.group(1)) - js["errors"]["lesion"]["width_mm"]) <= 1e-9,
          "the width's error bar is the run's estimate (JSON errors.lesion.width_mm)")
    margins = sorted(s["margin_mm"] for s in js["errors"]["structures"])
    check(all(any(abs(b - e) <= 1e-9 for b in bars) for e in margins), "each structure's margin error bar")
    # a file without the error table (error_estimate = no) shows none
    shutil.copy(WORK / "run.h5", WORK / "run_noerr.h5")
    with h5py.File(WORK / "run_noerr.h5", "r+") as f:
        del f["summary"]["errors"]
    rflesion("report", "run_noerr.h5", "-q", expect=0)
    check(html_of("run_noerr.html").count('class="error-bar"') == 0, "no error bar when the file records none")


def bad_input_checks():
    (WORK / "notes.txt").write_text("not HDF5\n")
    (WORK / "outdir").mkdir(exist_ok=True)
    import h5py
    with h5py.File(WORK / "other.h5", "w") as f:
        f["x"] = [1, 2, 3]
    pre = "rflesion: "
    nores = "expected an rflesion result file (the .h5 of rflesion run), found "
    cases = [
        (["nothing.h5"], pre + "nothing.h5: expected a run's result file (.h5) or a sweep directory, found no such file"),
        (["notes.txt"], pre + "notes.txt: " + nores + "a file that is not HDF5"),
        (["other.h5"], pre + "other.h5: " + nores + "an HDF5 file without the root attribute format = rflesion-h5"),
        (["sweep/results.h5"], pre + "sweep/results.h5: " + nores +
         "a sweep's results table (for a sweep report give the sweep's directory)"),
        (["run.h5", "-o", "missing/x.html"], pre + "-o missing/x.html: expected an existing directory 'missing', "
         "found none (No such file or directory)"),
        (["run.h5", "-o", "outdir"], pre + "-o outdir: expected a regular file or a new name to write, found a "
         "directory (rflesion replaces only regular files; give another name)"),
        (["outdir"], pre + "outdir: expected a sweep directory (holding sweep.txt), found no sweep.txt; give the --out "
         "directories of the sweep's shards"),
    ]
    for args, message in cases:
        p = rflesion("report", *args)
        check(p.returncode == 2, f"report {' '.join(args)}: exit {p.returncode}, expected 2")
        check(p.stderr == message + "\n", f"report {' '.join(args)}: message {p.stderr!r}, expected {message!r}")
        check(p.stdout == "", f"report {' '.join(args)}: nothing on stdout")
    # atomic: the page replaces an older one whole and leaves no temporary behind
    (WORK / "old.html").write_text("old")
    rflesion("report", "run.h5", "-o", "old.html", "-q", expect=0)
    check(html_of("old.html").startswith("<!DOCTYPE html>") and "ventral_ramus" in html_of("old.html"),
          "the older page replaced")
    check(not list(WORK.glob("*.tmp.*")), f"no temporaries left: {list(WORK.glob('*.tmp.*'))}")


def sweep_checks():
    html = html_of("sweep/report.html")
    check("6 of 6 cases finished; 6 raised a safety flag" in html, "the sweep's summary line")
    check(len(re.findall(r'<tr data-case="\d+" class="flagged">', html)) == 6, "six flagged rows")
    check(html.count('<img src="data:image/png;base64,') == 1, "the sweep figure embedded")


def html_of(name):
    return (WORK / name).read_text(encoding="utf-8")


def content():
    js = json.loads((WORK / "run.json").read_text())
    html = html_of("run.html")
    case_checks(html, js)
    lesion_checks(html, js)
    structure_checks(html, js)
    error_bar_checks()
    bad_input_checks()
    sweep_checks()


# ---- browser ----------------------------------------------------------------------------------

def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
    except ImportError:
        print("SKIP: python3-selenium is not installed (apt-get install python3-selenium)")
        raise SystemExit(77)
    for exe in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not os.path.exists(exe):
            print(f"SKIP: {exe} is not installed (apt-get install chromium chromium-driver)")
            raise SystemExit(77)
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    try:
        for page, nfig in (("run.html", 3), ("sweep/report.html", 1)):
            d.get((WORK / page).resolve().as_uri())
            severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
            check(not severe, f"{page}: console errors {severe}")
            imgs = d.find_elements(By.TAG_NAME, "img")
            check(len(imgs) == nfig, f"{page}: {len(imgs)} figures, expected {nfig}")
            for img in imgs:
                w = d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img)
                check(w and w > 0, f"{page}: figure {img.get_attribute('alt')!r} not decoded (naturalWidth {w})")
            for svg in d.find_elements(By.TAG_NAME, "svg"):
                check(d.execute_script("return arguments[0].childElementCount", svg) > 0, f"{page}: empty svg")
            fetched = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)"
                                       ".filter(n => !n.startsWith('data:'))")
            check(not fetched, f"{page}: fetched {fetched}")
            if page == "run.html":
                flagged = d.find_elements(By.CSS_SELECTOR, '.flagged[data-structure="ventral_ramus"]')
                check(len(flagged) == 2, f"the ventral ramus highlighted in its sentence and row ({len(flagged)})")
                for el in flagged:
                    bg = el.value_of_css_property("background-color")
                    check(bg not in ("rgba(0, 0, 0, 0)", "transparent"), f"highlight drawn ({bg})")
                check(not d.find_elements(By.CSS_SELECTOR, '.flagged[data-structure="medial_branch"]'),
                      "the covered target is not highlighted")
    finally:
        d.quit()


{"setup": setup, "content": content, "browser": browser}[STEP]()
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("ok")
