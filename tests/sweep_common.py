# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the sweep tests: run rflesion, read a results table, compare two tables.

Tables are compared column by column on the HDF5 file (exactly: every case is deterministic
and each run uses one OpenMP thread per process), leaving out wall_s (timing) and threads."""
import os
import subprocess
import sys

import h5py
import numpy as np

SKIP = {"wall_s"}


def run(cmd, expect=(0, 1), env=None, timeout=300):
    """Runs cmd; fails the test unless its exit code is in expect. Returns the result."""
    full_env = dict(os.environ, OMP_NUM_THREADS="1")
    if env:
        full_env.update(env)
    r = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout)
    if r.returncode not in expect:
        sys.exit("FAIL: %s\nexit %d (expected %s)\nstdout:\n%s\nstderr:\n%s"
                 % (" ".join(cmd), r.returncode, expect, r.stdout, r.stderr))
    return r


def table(directory):
    with h5py.File(os.path.join(directory, "results.h5"), "r") as f:
        return f["results"][:]


def compare(name_a, a, name_b, b):
    """Fails unless the two tables hold the same columns and values (wall_s aside)."""
    if a.dtype.names != b.dtype.names:
        sys.exit("FAIL: columns differ between %s and %s:\n%s\n%s" % (name_a, name_b, a.dtype.names, b.dtype.names))
    if len(a) != len(b):
        sys.exit("FAIL: %s has %d rows, %s %d" % (name_a, len(a), name_b, len(b)))
    if list(a["case"]) != sorted(a["case"]) or list(b["case"]) != sorted(b["case"]):
        sys.exit("FAIL: rows not sorted by case index")
    for n in a.dtype.names:
        if n in SKIP:
            continue
        x, y = a[n], b[n]
        same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
        if not same:
            sys.exit("FAIL: column %s differs between %s and %s:\n%s\n%s" % (n, name_a, name_b, x, y))
    print("%s and %s: %d rows, %d columns identical (wall_s aside)" % (name_a, name_b, len(a), len(a.dtype.names) - 1))
