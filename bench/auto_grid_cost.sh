#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The cost of the automatic grid and the error estimate: RC-1 as shipped now (automatic
# cells and fine box, the coarse second solution, refinement if needed) against RC-1 on the
# hand-set grid it shipped with before (0.2 mm cells, fine box [0,0,-9.6]..[6.4,6.4,8] mm,
# growth 1.25, 2 s steps, no error estimate), alternately REPEAT times under /usr/bin/time,
# in one invocation on one machine; prints the medians and their ratio.
#   bench/auto_grid_cost.sh [-r REPEAT] [-t THREADS] [-b build/release/cli/rflesion]
set -euo pipefail
repeat=5; threads=2; bin=build/release/cli/rflesion
while getopts "r:t:b:" o; do
  case $o in r) repeat=$OPTARG;; t) threads=$OPTARG;; b) bin=$OPTARG;; *) exit 2;; esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
case_file=$here/cases/reference/rc1.ini
hand=(--set grid.spacing_mm=0.2 --set "grid.fine_min_mm=0,0,-9.6" --set "grid.fine_max_mm=6.4,6.4,8"
      --set grid.growth=1.25 --set solver.dt_s=2 --set solver.error_estimate=no)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$1"; }
echo "machine: $(nproc) cores; $repeat alternating repeats, $threads thread(s)"
: > "$work/auto"; : > "$work/hand"
for ((i = 0; i < repeat; i++)); do
  OMP_NUM_THREADS=$threads /usr/bin/time -v "$bin" run "$case_file" --quiet --no-output --threads "$threads" \
    --json "$work/auto.json" 2> "$work/t.txt"
  wall "$work/t.txt" >> "$work/auto"
  OMP_NUM_THREADS=$threads /usr/bin/time -v "$bin" run "$case_file" "${hand[@]}" --quiet --no-output \
    --threads "$threads" --json "$work/hand.json" 2> "$work/t.txt"
  wall "$work/t.txt" >> "$work/hand"
done
a=$(median < "$work/auto"); h=$(median < "$work/hand")
/usr/bin/python3 - "$work/auto.json" "$work/hand.json" "$a" "$h" <<'PY'
import json, sys
auto, hand = (json.load(open(p)) for p in sys.argv[1:3])
a, h = float(sys.argv[3]), float(sys.argv[4])
e = auto["errors"]
print("automatic grid + error estimate: median %.2f s  (cells %d, %.3f mm, coarse %.3f mm, "
      "refinements %d, largest length error %.3f mm)" % (a, auto["grid"]["cells"], e["spacing_mm"],
      e["coarse_spacing_mm"], e["refinements"], e["largest_length_mm"]))
print("hand-set grid, no estimate:      median %.2f s  (cells %d)" % (h, hand["grid"]["cells"]))
print("ratio: %.2f" % (a / h))
print("lesion width %.3f / %.3f mm, length %.3f / %.3f mm (reference 9.305 / 16.748)" % (
    auto["lesion"]["width_mm"], hand["lesion"]["width_mm"], auto["lesion"]["length_mm"], hand["lesion"]["length_mm"]))
PY
