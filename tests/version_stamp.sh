#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The version stamp: two commits give two stamps, a tag gives its release, a tree without
# git metadata (a release tarball) gives the release number alone; the built program states
# the commit of the tree it was built from. Usage: version_stamp.sh SOURCE_DIR RFLESION
set -euo pipefail
src=$1 exe=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
stamp() { # DIR -> the header's text
  cmake -DSOURCE_DIR="$1" -DTEMPLATE="$src/common/version.h.in" -DOUTPUT="$tmp/h.h" -DRELEASE_VERSION=9.8.7 \
        -DBUILD_TYPE=Release -DWITH_MPI=1 -DWITH_OPENMP=1 -P "$src/cmake/WriteVersion.cmake"
  cat "$tmp/h.h"
}
field() { sed -n "s/^#define $1 \"\\([^\"]*\\)\".*/\\1/p"; }

# a tarball: no .git
mkdir "$tmp/tarball"
h=$(stamp "$tmp/tarball")
[ "$(field RFL_VERSION_FULL <<<"$h")" = 9.8.7 ] || fail "tarball: expected version 9.8.7, found $(field RFL_VERSION_FULL <<<"$h")"
[ "$(field RFL_COMMIT <<<"$h")" = none ] || fail "tarball: expected commit none, found $(field RFL_COMMIT <<<"$h")"

# two commits
r="$tmp/repo"
mkdir "$r"
git -C "$r" init -q
g() { git -C "$r" -c user.name=t -c user.email=t@example.org "$@"; }
echo a > "$r/f"; g add f; g commit -qm one
c1=$(g rev-parse HEAD); h1=$(stamp "$r")
echo b > "$r/f"; g commit -qam two
c2=$(g rev-parse HEAD); h2=$(stamp "$r")
[ "$(field RFL_COMMIT <<<"$h1")" = "$c1" ] || fail "first commit: expected $c1, found $(field RFL_COMMIT <<<"$h1")"
[ "$(field RFL_COMMIT <<<"$h2")" = "$c2" ] || fail "second commit: expected $c2, found $(field RFL_COMMIT <<<"$h2")"
v1=$(field RFL_VERSION_FULL <<<"$h1") v2=$(field RFL_VERSION_FULL <<<"$h2")
[ "$v1" != "$v2" ] || fail "two commits gave the same version $v1"
[ "$v2" = "9.8.7+g${c2:0:7}" ] || fail "expected 9.8.7+g${c2:0:7}, found $v2"
echo c > "$r/f"
[ "$(stamp "$r" | field RFL_VERSION_FULL)" = "9.8.7+g${c2:0:7}-dirty" ] || fail "an edited tree is not marked dirty"
g commit -qam three; g tag v9.9.0
[ "$(stamp "$r" | field RFL_VERSION_FULL)" = 9.9.0 ] || fail "a tagged commit: expected 9.9.0"

# the built program states the commit of its source tree (when that is a git checkout)
out=$("$exe" --version)
if git -C "$src" rev-parse HEAD >/dev/null 2>&1; then
  head=$(git -C "$src" rev-parse HEAD)
  grep -qx "commit: $head" <<<"$out" || fail "rflesion --version: expected 'commit: $head', found: $out"
fi
grep -q "^HDF5: [0-9]*\.[0-9]*\.[0-9]*$" <<<"$out" || fail "rflesion --version: no HDF5 version in: $out"
echo "version stamp: all checks passed"
