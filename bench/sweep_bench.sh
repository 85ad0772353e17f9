#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Sweep throughput: cases per minute for one 100-case sweep of RC-1-like cases (RC-1 on a
# coarse grid: 0.4 mm cells around a 2.5 mm probe in a 12 mm quarter domain; set temperature
# 60..87 C x RF duration 5..14 s), run three ways on the same machine:
#   1 process x 1 thread, 2 MPI ranks x 1 thread (task farm), 1 process x 2 threads.
# Each way starts from an empty directory; the figure is cases / wall time of the sweep.
#   bench/sweep_bench.sh [-b build/release/cli/rflesion] [-n 10]   (-n: values per axis)
set -euo pipefail
bin=build/release/cli/rflesion; n=10
while getopts "b:n:" o; do
  case $o in b) bin=$OPTARG;; n) n=$OPTARG;; *) exit 2;; esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
args=("$root/cases/reference/rc1.ini"
  --set grid.spacing_mm=0.4 --set probe.diameter_mm=2.5 --set grid.growth=1.3
  --set grid.domain_min_mm=0,0,-12 --set grid.domain_max_mm=12,12,12
  --set grid.fine_min_mm=0,0,-8 --set grid.fine_max_mm=4,4,6
  --set output.times_s=5 --set generator.ramp_s=5
  --vary "generator.set_temperature_C=60:$((60 + 3 * (n - 1))):3"
  --vary "generator.duration_s=5:$((5 + n - 1)):1" --quiet)
ncases=$("$bin" sweep "${args[@]}" --dry-run | awk '/^Sweep of/ {print $4}')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sweep: $ncases cases of RC-1 on a coarse grid (rflesion sweep --dry-run for the list)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
timed() { # label, command...: runs it, prints wall s and cases/min
  local label=$1; shift
  local t0 t1; t0=$(date +%s.%N)
  "$@" || { rc=$?; [ $rc -eq 1 ] || exit $rc; }
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$ncases" \
    'BEGIN {printf "%-28s %10.1f %14.1f\n", l, b - a, 60 * n / (b - a)}'
}
printf "%-28s %10s %14s\n" "layout" "wall s" "cases/min"
timed "1 process x 1 thread" env OMP_NUM_THREADS=1 "$bin" sweep "${args[@]}" --out "$work/serial"
timed "2 MPI ranks x 1 thread" timeout -k 10 1800 mpirun -np 2 -x OMP_NUM_THREADS=1 \
  "$bin" sweep "${args[@]}" --out "$work/np2"
timed "1 process x 2 threads" env OMP_NUM_THREADS=2 "$bin" sweep "${args[@]}" --threads 2 --out "$work/t2"
