#!/usr/bin/env bash
# Browser tests of the web interface: playwright-core drives the machine's Chromium (never a downloaded browser)
# against the Release build of the server. `tests/browser/run.sh --no-build` skips the build (after test.sh's).
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" != "--no-build" ]; then
  dotnet build "$repo/src/Warden/Warden.csproj" -c Release -nologo -clp:ErrorsOnly
fi

PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
node --test --test-concurrency=1 specs/
