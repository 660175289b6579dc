using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

// Every interpolated value below is an integer or a hex string made here: nothing comes from outside.
#pragma warning disable EF1002

namespace Warden.Tests.Infrastructure;

/// <summary>
/// Inserts many sessions and tokens for one user in a few set-based statements (rows EF would insert one by one in
/// minutes). Shared by the fault tests and the benchmarks (linked into bench/Warden.Bench).
/// </summary>
public static class BulkArtifacts
{
    // ExecuteSqlRaw formats the text (string.Format) even without parameters: "{{}}" is the empty JSON object.
    public static async Task InsertAsync(WardenDbContext db, int userId, int sessions, int tokens, CancellationToken cancellationToken = default)
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"""
                INSERT INTO authentik_core_session (session_key, session_data, expires, last_ip, last_user_agent, last_used)
                SELECT 'bs-{run}-' || x, '{"{{}}"}', '2030-01-01 00:00:00+00', '127.0.0.1', 'bulk', '2026-01-01 00:00:00+00' FROM generate_series(1, {sessions}) AS x;
                INSERT INTO authentik_core_authenticatedsession (session_id, uuid, user_id)
                SELECT 'bs-{run}-' || x, gen_random_uuid(), {userId} FROM generate_series(1, {sessions}) AS x;
                INSERT INTO authentik_core_token (token_uuid, identifier, key, intent, user_id, description, expiring, expires, managed)
                SELECT gen_random_uuid(), 'bt-{run}-' || x, 'bk-{run}-' || x, 'api', {userId}, '', false, NULL, NULL FROM generate_series(1, {tokens}) AS x;
                """, cancellationToken);
            return;
        }
        const string uuid = "upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
        await db.Database.ExecuteSqlRawAsync($"""
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {sessions})
            INSERT INTO authentik_core_session (session_key, session_data, expires, last_ip, last_user_agent, last_used)
            SELECT 'bs-{run}-' || x, '{"{{}}"}', '2030-01-01 00:00:00', '127.0.0.1', 'bulk', '2026-01-01 00:00:00' FROM c;
            """, cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"""
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {sessions})
            INSERT INTO authentik_core_authenticatedsession (session_id, uuid, user_id)
            SELECT 'bs-{run}-' || x, {uuid}, {userId} FROM c;
            """, cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"""
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {tokens})
            INSERT INTO authentik_core_token (token_uuid, identifier, key, intent, user_id, description, expiring, expires, managed)
            SELECT {uuid}, 'bt-{run}-' || x, 'bk-{run}-' || x, 'api', {userId}, '', 0, NULL, NULL FROM c;
            """, cancellationToken);
    }
}
