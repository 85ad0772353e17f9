#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The performance report of docs/performance.md, measured in one run on this machine:
#   1. STREAM-like triad bandwidth and the hot kernels of a time step on a real RC-1 state
#      (bench/kernels), 1 and 2 threads, as a fraction of the triad;
#   2. the multigrid factor per cycle on the RC-1 potential at 3 resolutions;
#   3. whole RC-1 runs (cases/reference/rc1.ini) at 3 resolutions, 1 and 2 threads, the
#      median of REPEAT runs under /usr/bin/time -v, peak memory, and the lesion figures
#      against the converged (reference) values.
#   0. with a baseline (-B BASE_BUILD_DIR, or -c COMMIT: built from that commit in a temporary
#      directory): every performance target, this build against the baseline in the same
#      run (bench/perf_targets.py);
# Prints markdown; also writes it to build/bench/perf_report.md.
#   bench/perf_report.sh [-r REPEAT] [-b BUILD_DIR] [-q] [-B BASE_BUILD_DIR | -c COMMIT] [-T]
#   (-q: shipped resolution only; -T: the targets only)
# Needs the release build (cmake --workflow --preset release, or cmake --build build/release).
# Run it on a quiet machine: other jobs on the same cores distort every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=3; build=build/release; quick=0; base=""; commit=""; targets_only=0
while getopts "r:b:qB:c:T" o; do
  case $o in r) repeat=$OPTARG;; b) build=$OPTARG;; q) quick=1;; B) base=$OPTARG;; c) commit=$OPTARG;;
    T) targets_only=1;; *) exit 2;; esac
done
bin=$build/cli/rflesion; kern=$build/bench/kernels
for f in "$bin" "$kern"; do [ -x "$f" ] || { echo "perf_report: $f missing: build first" >&2; exit 2; }; done
case_file=cases/reference/rc1.ini
out=build/bench/perf_report.md
mkdir -p build/bench
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
if [ -n "$commit" ]; then # the baseline, built in release mode from the given commit
  git rev-parse --quiet --verify "$commit^{commit}" > /dev/null ||
    { echo "perf_report: -c $commit: not a commit of this repository" >&2; exit 2; }
  base=$work/base/build/release
  mkdir -p "$work/base"
  git archive "$commit" | tar -x -C "$work/base"
  (cd "$work/base" && cmake --preset release > "$work/base.log" 2>&1 &&
     cmake --build build/release -j 2 --target rflesion kernels >> "$work/base.log" 2>&1) ||
    { cat "$work/base.log" >&2; echo "perf_report: the baseline $commit did not build" >&2; exit 2; }
fi
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# resolution: fine-box spacing (mm) and time step (s), refined together; growth as shipped
resolutions="0.2:2 0.16:1.6 0.128:1.28"
[ $quick -eq 1 ] && resolutions="0.2:2"

{
if [ -n "$base" ]; then
  echo "## Targets $(date -u +%Y-%m-%d): this build against the baseline${commit:+ $commit}, in one run"
  echo
  $py bench/perf_targets.py --new "$bin" --base "$base/cli/rflesion" --new-kernels "$kern" \
    --base-kernels "$base/bench/kernels" -r "$repeat"
  echo
fi
[ $targets_only -eq 1 ] && exit 0
echo "## Measured $(date -u +%Y-%m-%d) on: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before the run $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "### Kernels on the RC-1 state at t = 20 s (bench/kernels, median of 5 batches)"
echo
for t in 1 2; do OMP_NUM_THREADS=$t "$kern" "$case_file" --threads "$t" > "$work/k$t.txt"; done
$py - "$work/k1.txt" "$work/k2.txt" <<'EOF'
import sys
def parse(path):
    d = {"kernel": {}}
    for line in open(path):
        w = line.split()
        if not w: continue
        kv = dict(zip(w[2::2], w[3::2])) if w[0] == "kernel" else dict(zip(w[1::2], w[2::2]))
        if w[0] == "kernel": d["kernel"][w[1]] = kv
        else: d[w[0]] = kv
    return d
k = [parse(p) for p in sys.argv[1:3]]
tri = [float(x["triad"]["gbs"]) for x in k]
tric = [float(x["triad_case"]["gbs"]) for x in k]
print(f"Triad in memory (3 arrays of {k[0]['triad']['mib']} MiB, 24 B per element): {tri[0]:.1f} GB/s on 1 thread, {tri[1]:.1f} GB/s on 2.")
print(f"Triad on the case's working set ({float(k[0]['triad_case']['mib']):.0f} MiB, the bytes of one operator apply): "
      f"{tric[0]:.1f} GB/s on 1 thread, {tric[1]:.1f} GB/s on 2.")
print(f"RC-1 grid: {k[0]['case']['cells']} cells. 'of triad' is against the triad on the same working set.")
print()
print("| kernel | bytes/cell | 1 thread: ms | Mcell/s | GB/s | of triad | 2 threads: ms | GB/s | of triad |")
print("|---|---|---|---|---|---|---|---|---|")
for name, a in k[0]["kernel"].items():
    b = k[1]["kernel"][name]
    print(f"| {name} | {a['bytes_per_cell']} | {float(a['ms']):.2f} | {float(a['mcells']):.0f} | {float(a['gbs']):.1f} | "
          f"{float(a['gbs'])/tric[0]:.0%} | {float(b['ms']):.2f} | {float(b['gbs']):.1f} | {float(b['gbs'])/tric[1]:.0%} |")
it = k[0]["iterations"]
print()
print(f"Iterations per RF step over the first {it['at_s']} s ({it['steps']} steps): potential {float(it['potential_per_step']):.1f}, "
      f"heat (both solves) {float(it['heat_per_step']):.1f}, coefficient passes {float(it['passes_per_step']):.2f}.")
EOF
echo
echo "### Multigrid on the RC-1 potential (from x = 0)"
echo
echo "| fine spacing, mm | cells | levels | V-cycle factor | MG-PCG factor per iteration | PCG iterations to 1e-8 |"
echo "|---|---|---|---|---|---|"
for h in 0.2 0.16 0.128; do
  "$kern" "$case_file" --mg-only --at 2 --set grid.spacing_mm="$h" > "$work/mg.txt"
  $py - "$work/mg.txt" "$h" <<'EOF'
import sys
d = {}
for line in open(sys.argv[1]):
    w = line.split()
    d[w[0]] = dict(zip(w[1::2], w[2::2]))
m = d["mg"]
print(f"| {sys.argv[2]} | {d['case']['cells']} | {m['levels']} | {float(m['vcycle_factor']):.3f} | {float(m['pcg_rate']):.3f} | {m['pcg_iterations']} |")
EOF
done
echo
echo "### Whole RC-1 runs (median of $repeat, /usr/bin/time -v; width, length and distal projection of the Omega lesion against the reference values 9.305, 16.748, 2.705 mm)"
echo
echo "| fine spacing, mm | dt, s | cells | threads | wall s | peak RSS MiB | bytes/cell | speed-up | width | length | distal | max deviation, mm |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in $resolutions; do
  h=${r%%:*}; dt=${r##*:}
  for t in 1 2; do
    : > "$work/wall"; : > "$work/rss"
    for ((i = 0; i < repeat; i++)); do
      OMP_NUM_THREADS=$t /usr/bin/time -v "$bin" run "$case_file" --set grid.spacing_mm="$h" --set solver.dt_s="$dt" \
        --quiet --no-output --threads "$t" --json "$work/r.json" 2> "$work/time.txt"
      awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt" >> "$work/wall"
      awk -F': ' '/Maximum resident set size/ {print $2/1024}' "$work/time.txt" >> "$work/rss"
    done
    w=$(median < "$work/wall"); m=$(median < "$work/rss")
    [ "$t" = 1 ] && w1=$w
    $py - "$work/r.json" "$h" "$dt" "$t" "$w" "$m" "$w1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
h, dt, t, w, m, w1 = sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
l = d["lesion"]; ref = {"width_mm": 9.305, "length_mm": 16.748, "distal_mm": 2.705}
dev = max(abs(l[k] - v) for k, v in ref.items())
cells = d["grid"]["cells"]
print(f"| {h} | {dt} | {cells} | {t} | {w:.2f} | {m:.0f} | {m*1048576/cells:.0f} | {w1/w:.2f} | {l['width_mm']:.3f} | {l['length_mm']:.3f} | {l['distal_mm']:.3f} | {dev:.3f} |")
EOF
  done
done
} | tee "$out"
