using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Persistence;

namespace Warden.Bench;

/// <summary>
/// Scenario 1: a user with S sessions and T tokens is locked by Warden's lockdown, against a baseline of the
/// same UPDATE and DELETE statements as raw SQL in one transaction, on the same database in the same run.
/// </summary>
public static class LockdownCost
{
    public static readonly (int Sessions, int Tokens)[] FullSizes = [(100, 1_000), (1_000, 10_000), (10_000, 100_000)];
    public static readonly (int Sessions, int Tokens)[] QuickSizes = [(100, 1_000)];

    public static async Task RunAsync(BenchOptions options)
    {
        var rows = new List<IReadOnlyList<object>>();
        foreach (var provider in options.Providers)
        {
            await using var database = await BenchDatabase.CreateAsync(provider, options.PostgresServer);
            await using var server = await BenchServer.StartAsync(database);
            // Warm-up (JIT, connection pool, query caches); not measured.
            await MeasureWardenAsync(server, 10, 10);
            await MeasureBaselineAsync(server, 10, 10);
            foreach (var (sessions, tokens) in options.Quick ? QuickSizes : FullSizes)
            {
                var repetitions = options.Quick ? 1 : sessions >= 10_000 ? 3 : 5;
                var warden = new List<double>();
                var baseline = new List<double>();
                for (var rep = 0; rep < repetitions; rep++)
                {
                    // Alternate which runs first so neither always meets a warmer cache.
                    if (rep % 2 == 0)
                    {
                        warden.Add(await MeasureWardenAsync(server, sessions, tokens));
                        baseline.Add(await MeasureBaselineAsync(server, sessions, tokens));
                    }
                    else
                    {
                        baseline.Add(await MeasureBaselineAsync(server, sessions, tokens));
                        warden.Add(await MeasureWardenAsync(server, sessions, tokens));
                    }
                }
                var w = Stats.Median(warden);
                var b = Stats.Median(baseline);
                rows.Add([provider, sessions, tokens, repetitions, w, b, w / b, w * 1000 / (sessions + tokens)]);
                Console.WriteLine($"lockdown {provider} S={sessions} T={tokens}: warden {w:0.0} ms, raw SQL {b:0.0} ms, ratio {w / b:0.00}");
            }
        }
        await Report.WriteAsync(options.ResultsDirectory, "lockdown-cost",
            ["provider", "sessions", "tokens", "runs", "warden_ms_median", "raw_sql_ms_median", "ratio", "warden_us_per_row"], rows);
    }

    private static async Task<double> MeasureWardenAsync(BenchServer server, int sessions, int tokens)
    {
        var (userId, actor) = await SeedAsync(server, sessions, tokens);
        await using var scope = server.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Path = "/api/v3/flows/executor/bench/";
        http.Request.Method = "GET";
        var lockdown = scope.ServiceProvider.GetRequiredService<AccountLockdown>();
        var started = Stopwatch.GetTimestamp();
        await lockdown.LockAsync(http, userId, LockdownActions.All, "benchmark", actor, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await AssertLockedAsync(server, userId);
        return elapsed;
    }

    /// <summary>The physical floor: the same statements, hand-written, one transaction, no checks and no event.</summary>
    private static async Task<double> MeasureBaselineAsync(BenchServer server, int sessions, int tokens)
    {
        var (userId, _) = await SeedAsync(server, sessions, tokens);
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var unusable = PasswordHasher.Unusable();
        var started = Stopwatch.GetTimestamp();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE authentik_core_user SET is_active = {false}, password = {unusable} WHERE id = {userId}");
            await db.Database.ExecuteSqlAsync($"DELETE FROM authentik_core_session WHERE session_key IN (SELECT session_id FROM authentik_core_authenticatedsession WHERE user_id = {userId})");
            await db.Database.ExecuteSqlAsync($"DELETE FROM authentik_core_token WHERE user_id = {userId}");
            await transaction.CommitAsync();
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await AssertLockedAsync(server, userId);
        return elapsed;
    }

    private static async Task AssertLockedAsync(BenchServer server, int userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var left = await db.Tokens.CountAsync(t => t.UserId == userId) + await db.AuthenticatedSessions.CountAsync(a => a.UserId == userId);
        var active = await db.Users.Where(u => u.Id == userId).Select(u => u.IsActive).SingleAsync();
        if (left != 0 || active)
        {
            throw new InvalidOperationException($"user {userId} not locked: {left} artifacts left, active={active}");
        }
    }

    /// <summary>A fresh target with S sessions and T tokens, inserted set-based; returns it and an admin actor.</summary>
    private static async Task<(int UserId, User Actor)> SeedAsync(BenchServer server, int sessions, int tokens)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var run = Guid.NewGuid().ToString("N")[..12];
        var user = new User { Username = "bench-" + run, Name = "bench", Password = "pbkdf2_sha256$1000$salt$x" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        var actor = await db.Users.AsNoTracking().SingleAsync(u => u.Username == Bootstrap.AdminUsername);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"""
                INSERT INTO authentik_core_session (session_key, session_data, expires, last_ip, last_user_agent, last_used)
                SELECT 'bs-{run}-' || x, '{"{{}}"}', '2030-01-01 00:00:00+00', '127.0.0.1', 'bench', '2026-01-01 00:00:00+00' FROM generate_series(1, {sessions}) AS x;
                INSERT INTO authentik_core_authenticatedsession (session_id, uuid, user_id)
                SELECT 'bs-{run}-' || x, gen_random_uuid(), {user.Id} FROM generate_series(1, {sessions}) AS x;
                INSERT INTO authentik_core_token (token_uuid, identifier, key, intent, user_id, description, expiring, expires, managed)
                SELECT gen_random_uuid(), 'bt-{run}-' || x, 'bk-{run}-' || x, 'api', {user.Id}, '', false, NULL, NULL FROM generate_series(1, {tokens}) AS x;
                """);
        }
        else
        {
            const string uuid = "upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
            await db.Database.ExecuteSqlRawAsync($"""
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {sessions})
                INSERT INTO authentik_core_session (session_key, session_data, expires, last_ip, last_user_agent, last_used)
                SELECT 'bs-{run}-' || x, '{"{{}}"}', '2030-01-01 00:00:00', '127.0.0.1', 'bench', '2026-01-01 00:00:00' FROM c;
                """);
            await db.Database.ExecuteSqlRawAsync($"""
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {sessions})
                INSERT INTO authentik_core_authenticatedsession (session_id, uuid, user_id)
                SELECT 'bs-{run}-' || x, {uuid}, {user.Id} FROM c;
                """);
            await db.Database.ExecuteSqlRawAsync($"""
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {tokens})
                INSERT INTO authentik_core_token (token_uuid, identifier, key, intent, user_id, description, expiring, expires, managed)
                SELECT {uuid}, 'bt-{run}-' || x, 'bk-{run}-' || x, 'api', {user.Id}, '', 0, NULL, NULL FROM c;
                """);
        }
        return (user.Id, actor);
    }
}
