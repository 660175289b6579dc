#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets.
# Usage: scripts/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh <Name>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Warden --context SqliteWardenDbContext --output-dir Persistence/Migrations/Sqlite --namespace Warden.Persistence.Migrations.Sqlite
dotnet ef migrations add "$name" --project src/Warden --context PostgresWardenDbContext --output-dir Persistence/Migrations/Postgres --namespace Warden.Persistence.Migrations.Postgres
