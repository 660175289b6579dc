#!/usr/bin/env bash
# Development only, until the first release: throws away both migration sets and creates one "Initial"
# migration per provider from the current model. Never use this once a database exists that must be kept.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f src/Warden/Persistence/Migrations/Sqlite/*.cs src/Warden/Persistence/Migrations/Postgres/*.cs
# The model snapshots must go too (dotnet-ef may have put them elsewhere), or "Initial" is only a diff.
find src/Warden -name '*WardenDbContextModelSnapshot.cs' -delete
exec scripts/add-migration.sh Initial
