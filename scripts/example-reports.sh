#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Example reports (generated, not kept in the repository): the reference case RC-3 (an 18G
# probe in perfused muscle with a protected nerve root 6 mm from its axis) and a small sweep
# (set temperature x duration on a tiny case, with its figures), each as one self-contained
# HTML page, plus an index page linking them. From the top of the source tree:
#
#   bash scripts/example-reports.sh [OUTDIR] [RFLESION]
#
# OUTDIR defaults to example-reports, RFLESION to build/release/cli/rflesion (then
# build/dev/cli/rflesion). RC-3 takes one to two minutes on two cores, the sweep a few seconds.
# Open OUTDIR/index.html in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-example-reports}
exe=${2:-}
if [[ -z $exe ]]; then
  for e in build/release/cli/rflesion build/dev/cli/rflesion; do
    if [[ -x $e ]]; then exe=$e; break; fi
  done
fi
[[ -n $exe && -x $exe ]] || { echo "example-reports.sh: expected a built rflesion (cmake --workflow --preset release), found none" >&2; exit 2; }
mkdir -p "$out"

# exit code 1 means a safety flag was raised: expected here, and reported on the page
flagged_ok() { "$@" || [[ $? -eq 1 ]]; }

echo "RC-3 ..."
flagged_ok "$exe" run cases/reference/rc3.ini --output "$out/rc3.h5" --json "$out/rc3.json" --quiet
"$exe" report "$out/rc3.h5" -o "$out/rc3.html"

echo "a small sweep ..."
rm -rf "$out/sweep"
flagged_ok "$exe" sweep tests/data/sweep_tiny.ini --out "$out/sweep" --quiet \
  --figure lesion_width_mm:generator.duration_s:generator.set_temperature_C \
  --figure root.peak_C:generator.duration_s:generator.set_temperature_C
"$exe" report "$out/sweep" -o "$out/sweep.html"

cat > "$out/index.html.tmp" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>rflesion example reports</title></head>
<body><h1>rflesion example reports</h1>
<ul>
<li><a href="rc3.html">RC-3</a>: an 18G probe in perfused muscle with a protected nerve root 6 mm from its axis (rflesion report rc3.h5)</li>
<li><a href="sweep.html">A small sweep</a>: set temperature x duration on a tiny case (rflesion report sweep)</li>
</ul></body></html>
EOF
mv "$out/index.html.tmp" "$out/index.html"
echo "Example reports: $out/index.html"
