#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The key tables of docs/case-format.md, from the case reader's key table.

`rflesion check --keys-markdown` writes every section's table after a marker line
`<!-- keys: SECTION -->`; the document holds the same markers, each followed by its table.

    scripts/case_keys_doc.py --rflesion build/dev/cli/rflesion --check docs/case-format.md
    scripts/case_keys_doc.py --rflesion build/dev/cli/rflesion --write docs/case-format.md

--check exits 1 and names the sections that differ (the test case_keys_doc); --write
replaces the tables in place. The words of the tables are in models/case_key_docs.c.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

MARKER = re.compile(r"^<!-- keys: (\w+) -->$")


def tables(lines, marker=MARKER):
    """{section: table lines} after each marker; the table ends at the first non-'|' line."""
    out, current = {}, None
    for line in lines:
        m = marker.match(line)
        if m:
            current = m.group(1)
            out[current] = []
        elif current and line.startswith("|"):
            out[current].append(line)
        else:
            current = None
    return out


def splice(doc_lines, generated, marker=MARKER):
    """The document with every marked table replaced by the generated one."""
    out, skipping = [], False
    for line in doc_lines:
        m = marker.match(line)
        if m:
            out.append(line)
            out.extend(generated.get(m.group(1), []))
            skipping = True
        elif skipping and line.startswith("|"):
            continue
        else:
            skipping = False
            out.append(line)
    return out


def main(option="--keys-markdown", marker=MARKER, what="key table of [%s]", doc=__doc__):
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--rflesion", required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    ap.add_argument("doc")
    a = ap.parse_args()
    gen = subprocess.run([a.rflesion, "check", option], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    generated = tables(gen, marker)
    with open(a.doc, encoding="utf-8") as f:
        lines = f.read().splitlines()
    have = tables(lines, marker)
    differ = sorted(s for s in set(generated) | set(have) if generated.get(s) != have.get(s))
    if a.check:
        for s in differ:
            how = "missing in the document" if s not in have else \
                  "not generated" if s not in generated else "differs"
            print("%s: the %s %s (run %s --write)" % (a.doc, what % s, how, sys.argv[0]))
        return 1 if differ else 0
    missing = [s for s in generated if s not in have]
    if missing:
        sys.exit("%s: no marker line for %s" % (a.doc, ", ".join(missing)))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(a.doc)), prefix=".doc-tables.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(splice(lines, generated, marker)) + "\n")
    os.replace(tmp, a.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
