#!/usr/bin/env bash
# Warden against authentik's official client and schema (@goauthentik/api, pinned in package.json):
# installs the pinned packages, starts one Warden from the Release build (build first: this script never
# builds), runs the schema check and the client tests against it, and stops it. Non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
npm ci --silent --no-audit --no-fund || { echo "compat: npm ci failed"; exit 1; }
node run.mjs
