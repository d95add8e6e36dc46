#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (tests/preview-browser.test.ts) and
# `npm run screenshots`. The tests drive it with playwright-core, which never downloads
# a browser. Does nothing when a Chromium is already there (/usr/bin/chromium or
# CHROMIUM_PATH); installs only as root on a system with apt-get.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "chromium: found $browser"
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "chromium: not found at $browser; install Debian's package with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
