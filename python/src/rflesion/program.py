# SPDX-License-Identifier: BSD-3-Clause
"""run() and sweep(): call the rflesion program and open what it wrote."""
import json as jsonlib
import os
import shutil
import subprocess
import tempfile

from .errors import RflesionError
from .result import Result
from .sweep_table import SweepTable

ENV_EXE = "RFLESION_EXE"


def find_program(exe=None):
    """The rflesion executable: `exe`, else $RFLESION_EXE, else rflesion on PATH."""
    exe = exe or os.environ.get(ENV_EXE) or shutil.which("rflesion")
    if not exe:
        raise FileNotFoundError("rflesion program not found: put it on PATH, set %s or pass exe=" % ENV_EXE)
    return str(exe)


def _pairs(option, values):
    """{key: value} or ["key=value", ...] -> [option, "key=value", ...]; list values of a
    dict are joined with commas (--vary KEY=V1,V2)."""
    if not values:
        return []
    if isinstance(values, dict):
        values = ["%s=%s" % (k, ",".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                  for k, v in values.items()]
    out = []
    for v in values:
        out += [option, str(v)]
    return out


def _call(args, ok_codes):
    """Run the program; raise RflesionError unless its exit code is in ok_codes."""
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok_codes:
        raise RflesionError(p.returncode, p.stderr, args)
    return p


def run(case, sets=None, output=None, json=False, threads=None, exe=None, figures=None, quiet=True):
    """Run a case with `rflesion run` and open its result.

    sets: {"generator.duration_s": 60} or ["generator.duration_s=60"] (--set);
    output: the .h5 to write (default: the case's name with .h5 in the current directory);
    json: True or a path to also write and return the JSON summary; threads: --threads;
    figures: a directory for the program's figures; exe: the program (see find_program).

    Returns the Result (with `exit_code` 0, or 1 when a safety flag was raised: see
    Result.flags), or (Result, summary dict) when json is given. Raises RflesionError for
    exit codes 2, 3 and 4, carrying the code and the program's stderr.
    """
    case = os.fspath(case)
    if output is None:
        output = os.path.splitext(os.path.basename(case))[0] + ".h5"
    args = [find_program(exe), "run", case, "--output", os.fspath(output)] + _pairs("--set", sets)
    tmpdir = None
    if json is True:
        tmpdir = tempfile.mkdtemp(prefix="rflesion-")
        json = os.path.join(tmpdir, "summary.json")
    if json:
        args += ["--json", os.fspath(json)]
    if threads is not None:
        args += ["--threads", str(threads)]
    if figures:
        args += ["--figures", os.fspath(figures)]
    if quiet:
        args.append("--quiet")
    try:
        p = _call(args, (0, 1))
        summary = None
        if json:
            with open(json, encoding="utf-8") as f:
                summary = jsonlib.load(f)
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    result = Result(output)
    result.exit_code, result.stdout = p.returncode, p.stdout
    return (result, summary) if json else result


def sweep(case, out, vary=None, sets=None, zip=None, samples=None, seed=None, threads=None,
          fields=False, figures=None, exe=None, quiet=True):
    """Run a sweep with `rflesion sweep CASE --out OUT` and open its table.

    vary: {"generator.duration_s": [60, 90]} or {"...": "60:120:30"} or ["KEY=VALUES"]
    (--vary; the case's [sweep] section applies too); sets: as for run(); zip: a list of
    key lists moved together; samples, seed, threads: as the options; fields: keep each
    case's .h5; figures: ["METRIC:X[:GROUP]", ...].

    Returns the SweepTable (`exit_code` 0, 1 when a case raised a safety flag, or 3 when a
    case failed numerically: it is in the table with status 'failed'). Raises
    RflesionError for exit codes 2 (bad input) and 4 (I/O or system failure).
    """
    args = [find_program(exe), "sweep", os.fspath(case), "--out", os.fspath(out)]
    args += _pairs("--vary", vary) + _pairs("--set", sets)
    for keys in zip or []:
        args += ["--zip", ",".join(keys)]
    for option, value in (("--samples", samples), ("--seed", seed), ("--threads", threads)):
        if value is not None:
            args += [option, str(value)]
    for f in figures or []:
        args += ["--figure", f]
    if fields:
        args.append("--fields")
    if quiet:
        args.append("--quiet")
    p = _call(args, (0, 1, 3))
    table = SweepTable(out)
    table.exit_code, table.stdout, table.stderr = p.returncode, p.stdout, p.stderr
    return table
