#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian 12 packages rflesion needs (as root) and builds the optimised program
# into build/release. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2046
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends $(grep -v '^#' scripts/debian-packages.txt)
cmake --preset release
cmake --build --preset release
