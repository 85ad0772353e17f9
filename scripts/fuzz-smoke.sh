#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fuzz smoke test of the case reader: build the libFuzzer target with clang in build/fuzz
# and run it for N seconds (default 60) on a scratch copy of the seed corpus fuzz/corpus/.
# Exits nonzero when the build fails or the fuzzer finds a crash, leak, hang or sanitizer
# report (the reproducer is left in build/fuzz/artifacts/). Usage: scripts/fuzz-smoke.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build/fuzz
cmake -S . -B "$build" -DRFL_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRFL_BUILD_TESTS=OFF -DRFL_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_case_reader -j2
corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
cp -n fuzz/corpus/* "$corpus"/ 2>/dev/null || true
"$build/fuzz/fuzz_case_reader" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$corpus"
