#!/usr/bin/env bash
# Development only, until the first release: throws away both migration sets and creates one "Initial"
# migration per provider from the current model. Never use this once a database exists that must be kept.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f src/Warden/Persistence/Migrations/Sqlite/*.cs src/Warden/Persistence/Migrations/Postgres/*.cs
# The model snapshots too, wherever an earlier run left them: with a stale snapshot, "Initial" would hold only a diff.
find src/Warden -name '*WardenDbContextModelSnapshot.cs' -not -path '*/bin/*' -not -path '*/obj/*' -delete
scripts/add-migration.sh Initial
