#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the build into a temporary prefix, then builds a consumer program against it twice,
# with find_package(rflesion CONFIG) and with pkg-config, and runs a short case through the
# API; its figures must equal `rflesion run --json` of the installed program bit for bit.
# The installed tree is then moved, and the pkg-config build is repeated from the new place
# (relocatable .pc and RPATH). Usage: install_consumer.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
case_file=$src/tests/data/sweep_tiny.ini
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/rflesion include/rflesion.h share/man/man1/rflesion.1 share/rflesion/cases/default.ini \
         share/rflesion/data/tissue_properties.csv share/doc/rflesion/LICENSE; do
  [ -e "$tmp/prefix/$f" ] || fail "not installed: $f"
done
libdir=$(cd "$tmp/prefix" && ls -d lib*/ | head -n 1); libdir=${libdir%/}
[ -n "$(find "$tmp/prefix" -name 'rflesion-config.cmake')" ] || fail "no rflesion-config.cmake installed"

# the reference: the installed program's JSON summary of the same run
OMP_NUM_THREADS=1 "$tmp/prefix/bin/rflesion" run "$case_file" --set generator.duration_s=10 --no-output --quiet \
  --json "$tmp/run.json" || [ $? -eq 1 ]
/usr/bin/python3 - "$tmp/run.json" > "$tmp/expected.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = d["lesion"]
root = [s for s in d["structures"] if s["name"] == "root"][0]
for k, v in [("lesion_width_mm", l["width_mm"]), ("lesion_length_mm", l["length_mm"]),
             ("lesion_volume_mm3", l["volume_mm3"]), ("power_W", d["generator"]["power_W"]),
             ("root.margin_mm", root["margin_mm"]), ("root.peak_C", root["peak_C"])]:
    print("%s=%.9g" % (k, v))
print("nflags=%d" % len(d["flags"]))
PY

check_consumer() { # EXE LABEL
  OMP_NUM_THREADS=1 "$1" "$case_file" > "$tmp/$2.out" || fail "$2: the consumer exited $?"
  grep -q "^bad_status=1 exit_code=2 case_null=1$" "$tmp/$2.out" || fail "$2: bad input not reported as EINPUT"
  grep -q "^bad_message=--set generator.duration_s=abc: \[generator\] duration_s: expected a number" "$tmp/$2.out" \
    || fail "$2: unexpected message: $(grep bad_message "$tmp/$2.out")"
  grep -q "^unknown_status=8$" "$tmp/$2.out" || fail "$2: an unknown name is not RFLESION_ENOTFOUND"
  /usr/bin/python3 - "$tmp/$2.out" "$tmp/expected.txt" <<'PY' || fail "$2: figures differ from rflesion run"
import sys
got = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
for line in open(sys.argv[2]):
    k, v = line.strip().split("=", 1)
    g = float(got[k]) if k != "nflags" else int(got[k])
    e = float(v) if k != "nflags" else int(v)
    # the JSON prints 9 significant digits; the API gives the double itself
    if (k == "nflags" and g != e) or (k != "nflags" and abs(g - e) > 1e-8 * max(1.0, abs(e))):
        print("%s: API %r, rflesion run %r" % (k, g, e)); sys.exit(1)
PY
  echo "$2: ok ($(grep -c = "$tmp/$2.out") lines, $(grep '^lesion_width_mm' "$tmp/$2.out"))"
}

# 1. CMake package
cmake -S "$src/tests/consumer" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
check_consumer "$tmp/cmake-build/consumer" find_package

# 2. pkg-config, after moving the installed tree elsewhere
mv "$tmp/prefix" "$tmp/moved"
export PKG_CONFIG_PATH="$tmp/moved/$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -o "$tmp/consumer-pc" "$src/tests/consumer/consumer.c" $(pkg-config --cflags --libs rflesion) -lm \
  -Wl,-rpath,"$(pkg-config --variable=libdir rflesion)"
check_consumer "$tmp/consumer-pc" pkg-config
"$tmp/moved/bin/rflesion" --version | grep -q '^rflesion ' || fail "the moved program does not start"
echo "install and consumers: all checks passed"
