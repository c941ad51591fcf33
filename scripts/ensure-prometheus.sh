#!/usr/bin/env bash
# The alert-rule tests run Prometheus's own checker, promtool, and the scenario its server,
# prometheus (both Debian's prometheus package). Install it when either is missing; the tests
# fail, never skip, while apt-get can install it.
set -euo pipefail
installed() { command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; }
installed && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Another install may hold dpkg's lock (the browser tests' set-up): wait for it.
  APT=(apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends prometheus)
  $SUDO "${APT[@]}" >/dev/null || { $SUDO apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null && $SUDO "${APT[@]}" >/dev/null; }
fi
installed || { echo "promtool and prometheus could not be installed: install them (apt-get install prometheus) for the alert-rule tests" >&2; exit 1; }
