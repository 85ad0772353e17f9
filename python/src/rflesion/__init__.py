# SPDX-License-Identifier: BSD-3-Clause
"""Read, run and plot rflesion results from Python (docs/python.md).

    import rflesion
    with rflesion.Result("case.h5") as r:
        print(r.metrics["lesion_width_mm"], r.structures[0]["margin_mm"])
    table = rflesion.SweepTable("sweep-dir")

The plotting helpers are in rflesion.plot (imported on demand: they need matplotlib).
"""
from .errors import FormatError, NotSavedError, RflesionError
from .grid import Grid
from .result import Field, Fields, Result, Snapshot, case_value, parse_case
from .sweep_table import SweepTable
from .program import run, sweep

__version__ = "0.1.0"
__all__ = ["Result", "Field", "Fields", "Snapshot", "Grid", "SweepTable", "run", "sweep",
           "RflesionError", "FormatError", "NotSavedError", "parse_case", "case_value"]
