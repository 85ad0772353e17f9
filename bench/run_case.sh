#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Times whole rflesion runs: every (case, thread count) pair REPEAT times under
# /usr/bin/time -v, then prints the median wall time, the median peak memory (maximum
# resident set size), bytes per cell, the lesion width, and the 2-thread speed-up, all from
# one invocation on one machine.
#   bench/run_case.sh [-r REPEAT] [-t "1 2"] [-b build/release/cli/rflesion] CASE [--set K=V]...
set -euo pipefail
repeat=3; threads="1 2"; bin=build/release/cli/rflesion
while getopts "r:t:b:" o; do
  case $o in r) repeat=$OPTARG;; t) threads=$OPTARG;; b) bin=$OPTARG;; *) exit 2;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-r N] [-t \"1 2\"] [-b BIN] CASE [--set K=V]..." >&2; exit 2; }
case_file=$1; shift
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "case: $case_file $*   repeats: $repeat"
printf "%-8s %12s %14s %14s %12s %10s\n" threads "median wall s" "loop wall s" "peak RSS MiB" "bytes/cell" "width mm"
declare -A wall_of
for t in $threads; do
  : > "$work/wall.$t"; : > "$work/loop.$t"; : > "$work/rss.$t"
  for ((i = 0; i < repeat; i++)); do
    OMP_NUM_THREADS=$t /usr/bin/time -v "$bin" run "$case_file" "$@" --quiet --no-output --threads "$t" \
      --json "$work/r.json" 2> "$work/time.txt" || { rc=$?; [ $rc -eq 1 ] || { cat "$work/time.txt"; exit $rc; }; }
    awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt" >> "$work/wall.$t"
    awk -F': ' '/Maximum resident set size/ {print $2/1024}' "$work/time.txt" >> "$work/rss.$t"
    /usr/bin/python3 -c "import json,sys; d=json.load(open('$work/r.json')); print(d['wall_s'])" >> "$work/loop.$t"
  done
  cells=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/r.json'))['grid']['cells'])")
  width=$(/usr/bin/python3 -c "import json; print('%.3f' % json.load(open('$work/r.json'))['lesion']['width_mm'])")
  w=$(median < "$work/wall.$t"); l=$(median < "$work/loop.$t"); r=$(median < "$work/rss.$t")
  wall_of[$t]=$w
  printf "%-8s %12.2f %14.2f %14.1f %12.0f %10s\n" "$t" "$w" "$l" "$r" "$(awk -v r="$r" -v c="$cells" 'BEGIN {print r * 1048576 / c}')" "$width"
done
if [ -n "${wall_of[1]:-}" ] && [ -n "${wall_of[2]:-}" ]; then
  printf "speed-up 2 threads vs 1: %.2f\n" "$(awk -v a="${wall_of[1]}" -v b="${wall_of[2]}" 'BEGIN {print a / b}')"
fi
