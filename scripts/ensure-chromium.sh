#!/usr/bin/env bash
# Playwright drives Debian's Chromium (never a browser download). Install it when missing and we are root.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $CHROMIUM: installing Debian's chromium package…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  exit 0
fi
echo "Chromium is required for the end-to-end tests but was not found at $CHROMIUM." >&2
echo "Install Debian's package as root:  sudo apt-get install -y chromium   (or set CHROMIUM_PATH)" >&2
exit 1
