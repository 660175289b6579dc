using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Persistence;
using Warden.Tests.Infrastructure;

namespace Warden.Bench;

/// <summary>
/// Scenario 1: a user with S sessions and T tokens is locked by the account lockdown stage executor, against a baseline of the
/// same UPDATE and DELETE statements as raw SQL in one transaction, on the same database in the same run.
/// </summary>
public static class LockdownCost
{
    public static readonly (int Sessions, int Tokens)[] FullSizes = [(100, 1_000), (1_000, 10_000), (10_000, 100_000)];
    public static readonly (int Sessions, int Tokens)[] QuickSizes = [(100, 1_000)];
    private const string StageName = "bench-lockdown-stage";

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

    /// <summary>
    /// The real stage executor, as the flow executor calls it when the lockdown stage becomes current: the plan names
    /// the target as pending user and the request is the administrator's.
    /// </summary>
    private static async Task<double> MeasureWardenAsync(BenchServer server, int sessions, int tokens)
    {
        var (userId, actor) = await SeedAsync(server, sessions, tokens);
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var stage = await db.Set<AccountLockdownStage>().AsNoTracking().FirstAsync(s => s.Name == StageName);
        var binding = await db.Set<FlowStageBinding>().AsNoTracking().Include(b => b.Target).FirstAsync(b => b.StageId == stage.Id);
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Path = "/api/v3/flows/executor/bench/";
        http.Request.Method = "GET";
        http.Identity().User = actor;
        http.Identity().AuthenticatedBy = AuthenticatedBy.Session;
        var plan = new FlowPlan { FlowId = binding.TargetId };
        plan.Context[PlanContext.PendingUser] = userId;
        plan.PromptDataOf()[AccountLockdown.ReasonKey] = "benchmark";
        var run = new StageRun
        {
            Http = http,
            Flow = binding.Target,
            Binding = binding,
            Stage = stage,
            Plan = plan,
            FlowInfo = new ContextualFlowInfo("bench", null, ContextualFlowInfo.DefaultCancelUrl, "stacked"),
            PendingUserAsync = ct => db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct),
        };
        var executor = scope.ServiceProvider.GetRequiredService<AccountLockdownStageExecutor>();
        var started = Stopwatch.GetTimestamp();
        var result = await executor.GetAsync(run, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (result is not StageResult.Done)
        {
            throw new InvalidOperationException($"the lockdown stage answered {result}");
        }
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
        await BulkArtifacts.InsertAsync(db, user.Id, sessions, tokens);
        if (!await db.Set<AccountLockdownStage>().AnyAsync(s => s.Name == StageName))
        {
            var flow = new Flow { Name = "bench", Slug = "bench", Title = "bench", Designation = "stage_configuration" };
            var stage = new AccountLockdownStage { Name = StageName };
            db.AddRange(flow, stage, new FlowStageBinding { Target = flow, Stage = stage, Order = 0 });
            await db.SaveChangesAsync();
        }
        return (user.Id, actor);
    }
}
