using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Enterprise;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Bench;

/// <summary>
/// Scenario 2 (API throughput over loopback) and scenario 4 (memory). Each endpoint is driven by 1, 8 and 32
/// concurrent clients for a fixed time; the baseline is a bare endpoint in the same server process that only
/// passes the bearer-token lookup (the same authentication middleware every API request passes) and returns a
/// constant. Endpoint and baseline run alternately in the same process, so machine load affects both.
/// </summary>
public static class ApiThroughput
{
    private const string AdminToken = "bench-admin-token-0123456789abcdefghijklmnopqrstuvwxyz";
    private const string BarePath = "/api/v3/bench/bare/";
    private static readonly int[] FullConcurrency = [1, 8, 32];
    private static readonly int[] QuickConcurrency = [1, 8];

    public static async Task RunAsync(BenchOptions options)
    {
        var rows = new List<IReadOnlyList<object>>();
        var memoryRows = new List<IReadOnlyList<object>>();
        var duration = options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(8);
        foreach (var provider in options.Providers)
        {
            await using var database = await BenchDatabase.CreateAsync(provider, options.PostgresServer);
            var (privatePem, publicPem) = LicenseKeys.GenerateKeyPair();
            await using var server = await BenchServer.StartAsync(database,
                [$"--AUTHENTIK_BOOTSTRAP_TOKEN={AdminToken}", $"--Enterprise:LicensePublicKeys:0={publicPem}"],
                app => app.MapGet(BarePath, () => Results.Json(new { ok = true })).RequireActor());
            var targets = await SeedAsync(server, privatePem);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var idle = WorkingSetMiB();
            var peak = idle;
            using var sampler = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            using var stop = new CancellationTokenSource();
            var sampling = Task.Run(async () =>
            {
                try
                {
                    while (await sampler.WaitForNextTickAsync(stop.Token))
                    {
                        peak = Math.Max(peak, WorkingSetMiB());
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

            var endpoints = new (string Name, Func<int, HttpRequestMessage> Request)[]
            {
                ("GET /stages/account_lockdown/ (20 stages)", _ => new HttpRequestMessage(HttpMethod.Get, "/api/v3/stages/account_lockdown/")),
                ("GET /core/users/me/", _ => new HttpRequestMessage(HttpMethod.Get, "/api/v3/core/users/me/")),
                ("GET /core/users/{pk}/", i => new HttpRequestMessage(HttpMethod.Get, $"/api/v3/core/users/{targets[i % targets.Count]}/")),
                ("POST /core/users/account_lockdown/", i => new HttpRequestMessage(HttpMethod.Post, "/api/v3/core/users/account_lockdown/")
                {
                    Content = new StringContent($"{{\"user\": {targets[i % targets.Count]}}}", Encoding.UTF8, "application/json"),
                }),
            };
            // Warm-up: JIT, pools, query caches.
            foreach (var (_, request) in endpoints)
            {
                await DriveAsync(client, request, 4, TimeSpan.FromMilliseconds(500));
            }
            await DriveAsync(client, _ => new HttpRequestMessage(HttpMethod.Get, BarePath), 4, TimeSpan.FromMilliseconds(500));

            foreach (var concurrency in options.Quick ? QuickConcurrency : FullConcurrency)
            {
                var baseline = await DriveAsync(client, _ => new HttpRequestMessage(HttpMethod.Get, BarePath), concurrency, duration);
                rows.Add(Row(provider, "baseline: bare endpoint (token lookup only)", concurrency, baseline, baseline));
                foreach (var (name, request) in endpoints)
                {
                    var result = await DriveAsync(client, request, concurrency, duration);
                    rows.Add(Row(provider, name, concurrency, result, baseline));
                    Console.WriteLine($"throughput {provider} c={concurrency} {name}: {result.RequestsPerSecond:0} req/s ({result.RequestsPerSecond / baseline.RequestsPerSecond:P0} of baseline), p99 {result.P99:0.00} ms ({result.P99 / baseline.P99:0.0}x)");
                }
            }
            await stop.CancelAsync();
            await sampling;
            memoryRows.Add([provider, idle, peak]);
        }
        await Report.WriteAsync(options.ResultsDirectory, "api-throughput",
            ["provider", "endpoint", "clients", "requests", "errors", "req_per_s", "p50_ms", "p99_ms", "throughput_vs_baseline", "p99_vs_baseline"], rows);
        await Report.WriteAsync(options.ResultsDirectory, "memory",
            ["provider", "idle_working_set_mib", "peak_working_set_mib_during_throughput"], memoryRows);
        // A figure measured on failing requests means nothing: a benchmark whose requests fail is a failed run.
        var failed = rows.Where(r => (int)r[4] > 0).Select(r => $"{r[0]} {r[1]} c={r[2]}: {r[4]} of {r[3]} failed").ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException("requests failed during the throughput run: " + string.Join("; ", failed));
        }
    }

    private static IReadOnlyList<object> Row(string provider, string name, int concurrency, LoadResult result, LoadResult baseline) =>
        [provider, name, concurrency, result.Requests, result.Errors, result.RequestsPerSecond, result.P50, result.P99,
            result.RequestsPerSecond / baseline.RequestsPerSecond, result.P99 / baseline.P99];

    private static double WorkingSetMiB()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>Per-run results: every request's latency; a non-2xx answer counts as an error.</summary>
    private sealed record LoadResult(int Requests, int Errors, double RequestsPerSecond, double P50, double P99);

    private static async Task<LoadResult> DriveAsync(HttpClient client, Func<int, HttpRequestMessage> request, int concurrency, TimeSpan duration)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var counter = 0;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var own = latencies[worker] = [];
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var i = Interlocked.Increment(ref counter);
                using var message = request(i);
                var t0 = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(message);
                await response.Content.ReadAsByteArrayAsync();
                own.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(all.Count, errors, all.Count / elapsed, Stats.Percentile(all, 50), Stats.Percentile(all, 99));
    }

    /// <summary>
    /// A licence, 20 lockdown stages, a lockdown flow on the default brand (one lockdown stage bound) and 50 target
    /// users. The trigger pre-plans the flow but never runs the stage, so targets stay lockable.
    /// </summary>
    private static async Task<List<int>> SeedAsync(BenchServer server, string privatePem)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WardenDbContext>();
        var ids = services.GetRequiredService<InstallIds>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        using (var signer = LicenseKeys.ImportPrivateKey(privatePem))
        {
            var key = LicenseKeys.Issue(signer, await ids.GetAsync(), "bench", 1000, 1000, now.AddYears(1), null);
            var validated = services.GetRequiredService<LicenseKeys>().Validate(key, await ids.AudienceAsync(), now);
            if (!validated.IsValid)
            {
                throw new InvalidOperationException("bench licence invalid: " + validated.Error);
            }
            var license = new License();
            license.Apply(key, validated.Claims!);
            db.Set<License>().Add(license);
        }
        var flow = new Flow { Name = "bench lockdown", Slug = "bench-lockdown", Title = "Lock", Designation = "stage_configuration", Authentication = "require_authenticated" };
        db.Add(flow);
        var stages = Enumerable.Range(0, 20).Select(i => new AccountLockdownStage { Name = $"bench-lockdown-{i:00}" }).ToList();
        db.AddRange(stages);
        db.Add(new FlowStageBinding { Target = flow, Stage = stages[0], Order = 0 });
        var brand = await db.Brands.FirstAsync(b => b.Default);
        brand.FlowLockdownId = flow.Id;
        var users = Enumerable.Range(0, 50).Select(i => new User { Username = $"bench-target-{i:00}", Name = "Bench target", Email = $"t{i}@bench.invalid", Password = "!" }).ToList();
        db.AddRange(users);
        await db.SaveChangesAsync();
        await services.GetRequiredService<LicenseStatus>().GetSummaryAsync();
        return [.. users.Select(u => u.Id)];
    }
}
