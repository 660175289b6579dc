#!/usr/bin/env bash
# Browser tests of the web interface: playwright-core drives the machine's Chromium (never a downloaded browser)
# against real Warden servers started from the Release build (build first: this script never builds).
# Installs the pinned packages from package-lock.json, runs the spec files given (default: all of specs/) one at a
# time, and prints node's test summary. Non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "browser: $chromium is missing (apt-get install chromium, or set CHROMIUM_PATH)"
  exit 1
fi
# npm ci reinstalls from package-lock.json; skipped when node_modules already holds that exact lock's install.
stamp=node_modules/.warden-installed-lock
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund || { echo "browser: npm ci failed"; exit 1; }
  echo "$lock" > "$stamp"
fi
if [ $# -eq 0 ]; then
  set -- specs/*.test.js
fi
node --test --test-concurrency=1 --test-reporter=spec "$@"
