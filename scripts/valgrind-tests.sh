#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs the short (label "unit") test executables of a build under valgrind memcheck; any
# error or definite leak fails. Usage: scripts/valgrind-tests.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build/dev}
tests=$(ctest --test-dir "$build" -L unit -N | sed -n 's/^ *Test *#[0-9]*: //p')
fail=0
for t in $tests; do
  exe=$(find "$build/tests" -maxdepth 1 -type f -name "$t" | head -n 1)
  [ -n "$exe" ] || continue
  args=""
  case $t in test_cli | test_cli_run) args="$build/cli/rflesion" ;; esac # they run the program
  # shellcheck disable=SC2086
  if OMP_NUM_THREADS=1 valgrind -q --error-exitcode=1 --leak-check=full \
      --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp "$exe" $args >/dev/null 2>"$build/valgrind-$t.log"; then
    echo "valgrind: $t clean"
  else
    echo "valgrind: $t FAILED (see $build/valgrind-$t.log)"; tail -30 "$build/valgrind-$t.log"; fail=1
  fi
done
exit $fail
