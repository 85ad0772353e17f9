# SPDX-License-Identifier: BSD-3-Clause
"""A sweep's table (DIR/results.h5 or DIR/results.csv; columns in docs/hpc.md "The table")."""
import csv
import math
import os

import h5py
import numpy as np

from . import _h5
from .errors import FormatError, NotSavedError

INT_COLUMNS = ("case", "exit_code", "nflags", "cells", "steps", "threads")
TEXT_COLUMNS = ("status", "message", "flags", "findings")
# unit suffixes of column names (lesion_volume_mm3, root.peak_C, generator.duration_s)
UNITS = {"mm": "mm", "mm3": "mm^3", "C": "C", "V": "V", "A": "A", "W": "W", "ohm": "ohm",
         "J": "J", "s": "s", "min": "min", "Hz": "Hz", "ms": "ms"}


def column_units(name):
    """The unit a column name ends with ('' when it has none, e.g. probe.gauge)."""
    head, _, suffix = name.rpartition("_")
    return UNITS.get(suffix, "") if head else ""


def _number(text):
    try:
        return float(text) if text != "" else math.nan
    except ValueError:
        return None


def _csv_column(name, values):
    """A CSV column as numpy: int64 for the count columns, float64 where every value is a
    number (empty = NaN), str otherwise (text columns, non-numeric varied values)."""
    if name in TEXT_COLUMNS:
        return np.array(values, dtype=str)
    numbers = [_number(v) for v in values]
    if any(n is None for n in numbers):
        return np.array(values, dtype=str)
    if name in INT_COLUMNS and all(v != "" for v in values):
        return np.array([int(v) for v in values], dtype=np.int64)
    return np.array(numbers, dtype=np.float64)


class SweepTable:
    """One row per case of a sweep, from a sweep directory, its results.h5 (full
    precision; preferred) or its results.csv.

    Attributes: path (the file read), directory, columns (names in order), rows (list of
    dicts), array (numpy structured array, strings as str), manifest (the expanded sweep's
    text), varied (the varied keys). table["lesion_width_mm"] is a column as a numpy array.
    """

    def __init__(self, path):
        path = str(path)
        if os.path.isdir(path):
            h5, csv_path = os.path.join(path, "results.h5"), os.path.join(path, "results.csv")
            path = h5 if os.path.exists(h5) else csv_path
            if not os.path.exists(path):
                raise FormatError("%s: no results.h5 or results.csv (is it a finished sweep's "
                                  "directory? 'rflesion merge' writes the table of shards)" % os.path.dirname(h5))
        self.path, self.directory = path, os.path.dirname(os.path.abspath(path))
        self.manifest = ""
        if path.endswith(".csv"):
            self.array = self._read_csv(path)
        else:
            self.array = self._read_h5(path)
        if not self.manifest:
            manifest = os.path.join(self.directory, "sweep.txt")
            if os.path.exists(manifest):
                with open(manifest, encoding="utf-8") as f:
                    self.manifest = f.read()
        self.columns = list(self.array.dtype.names)
        self.rows = _h5.records(self.array)
        self.varied = [line.split("\t")[1] for line in self.manifest.splitlines()
                       if line.startswith("axis\t")]

    def _read_h5(self, path):
        try:
            with h5py.File(path, "r") as f:
                if "results" not in f:
                    raise FormatError("%s: not an rflesion sweep table (no /results dataset)" % path)
                d = f["results"]
                self.manifest = _h5.text(d.attrs.get("sweep", b""))
                self.attrs = _h5.attrs(d)
                return _h5.decoded(d[()])
        except OSError as e:
            raise FormatError("%s: cannot open as an HDF5 file (%s)" % (path, e)) from None

    def _read_csv(self, path):
        self.attrs = {}
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if not header or header[:2] != ["case", "status"]:
                raise FormatError("%s: not an rflesion sweep table (expected a header starting "
                                  "'case,status', found %r)" % (path, ",".join(header or [])[:60]))
            body = list(reader)
        cols = [_csv_column(n, [row[k] for row in body]) for k, n in enumerate(header)]
        out = np.empty(len(body), dtype=[(n, c.dtype) for n, c in zip(header, cols)])
        for n, c in zip(header, cols):
            out[n] = c
        return out

    def column(self, name):
        """A column as a numpy array; NotSavedError lists the columns if there is none."""
        if name not in self.columns:
            raise NotSavedError("%s: no column '%s'; columns: %s" % (self.path, name, ", ".join(self.columns)))
        return self.array[name]

    __getitem__ = column

    def units(self, name):
        """The unit of a column, from its name."""
        return column_units(name)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __repr__(self):
        return "<rflesion.SweepTable %s: %d cases, varied %s>" % (self.path, len(self), ", ".join(self.varied) or "-")
