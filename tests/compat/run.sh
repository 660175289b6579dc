#!/usr/bin/env bash
# Warden against authentik's official client and schema (@goauthentik/api, pinned in package.json):
# installs the pinned packages, starts one Warden from the Release build (build first: this script never
# builds), runs the schema check and the client tests against it, and stops it. Non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
# npm ci reinstalls from package-lock.json; skipped when node_modules already holds that exact lock's install.
stamp=node_modules/.warden-installed-lock
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
  npm ci --silent --no-audit --no-fund || { echo "compat: npm ci failed"; exit 1; }
  echo "$lock" > "$stamp"
fi
node run.mjs
