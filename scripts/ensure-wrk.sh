#!/usr/bin/env bash
# The gateway benchmark drives load with wrk (Debian package); install it when it is missing.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q wrk >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q wrk >/dev/null; }
fi
command -v wrk >/dev/null 2>&1 || { echo "wrk could not be installed: install it (apt-get install wrk) for the gateway benchmark" >&2; exit 1; }
