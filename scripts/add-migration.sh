#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets.
# Usage: scripts/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh <Name>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Warden --context SqliteWardenDbContext --output-dir Persistence/Migrations/Sqlite --namespace Warden.Persistence.Migrations.Sqlite
dotnet ef migrations add "$name" --project src/Warden --context PostgresWardenDbContext --output-dir Persistence/Migrations/Postgres --namespace Warden.Persistence.Migrations.Postgres
# EF Core puts a new model snapshot in a folder named after its namespace; keep it beside its migrations.
for p in Sqlite Postgres; do
  f=$(find src/Warden -name "${p}WardenDbContextModelSnapshot.cs" -not -path '*/obj/*' -not -path '*/bin/*' | head -n 1)
  [ -n "$f" ] && [ "$f" != "src/Warden/Persistence/Migrations/$p/${p}WardenDbContextModelSnapshot.cs" ] && mv "$f" "src/Warden/Persistence/Migrations/$p/"
done
find src/Warden/Warden -type d -empty -delete 2>/dev/null || true
