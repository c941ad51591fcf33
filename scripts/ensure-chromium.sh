#!/usr/bin/env bash
# The console's browser tests drive a real headless Chromium through ChromeDriver (Debian's
# chromium and chromium-driver). Install them when they are missing; the tests say why they
# cannot run when they still are.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q chromium chromium-driver >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium chromium-driver >/dev/null; }
fi
command -v chromedriver >/dev/null 2>&1 || { echo "chromium could not be installed: install it (apt-get install chromium chromium-driver) for the console's browser tests" >&2; exit 1; }
