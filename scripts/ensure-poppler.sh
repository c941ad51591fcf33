#!/usr/bin/env bash
# The PDF tests read documents with a real extractor: pdftotext and pdftoppm (Debian's
# poppler-utils). Install them when they are missing; the tests fail, never skip, without them.
set -euo pipefail
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q poppler-utils >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q poppler-utils >/dev/null; }
fi
command -v pdftotext >/dev/null 2>&1 || { echo "poppler-utils could not be installed: install it (apt-get install poppler-utils) for the PDF tests" >&2; exit 1; }
