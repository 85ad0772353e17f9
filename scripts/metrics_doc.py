#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The metric tables of docs/json-summary.md, from the metric table (postproc/metrics.c).

`rflesion check --metrics-markdown` writes each scope's table (run, snapshot, structure)
after a marker line `<!-- metrics: SCOPE -->`; the document holds the same markers, each
followed by its table.

    scripts/metrics_doc.py --rflesion build/dev/cli/rflesion --check docs/json-summary.md
    scripts/metrics_doc.py --rflesion build/dev/cli/rflesion --write docs/json-summary.md

--check exits 1 and names the tables that differ (the test metrics_doc); --write replaces
the tables in place. The same machinery as scripts/case_keys_doc.py.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import case_keys_doc  # noqa: E402

MARKER = re.compile(r"^<!-- metrics: (\w+) -->$")

if __name__ == "__main__":
    sys.exit(case_keys_doc.main("--metrics-markdown", MARKER, "metric table of scope %s", __doc__))
