using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Enterprise;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Persistence;
using Warden.Stages.Prompt;

namespace Warden.Bench;

/// <summary>
/// Scenario 3: complete administrator lockdowns per second, as a browser performs them: the trigger API, the
/// executor GET (the prompt), the prompt POST with a reason (answered with a 302 to the executor), and the GET that
/// runs the lockdown stage and ends the flow. Eight clients, each its own administrator session and its own targets.
/// Baseline in the same run: the trigger call alone, with the same clients.
/// </summary>
public static class LockdownEndToEnd
{
    private const int Clients = 8;

    public static async Task RunAsync(BenchOptions options)
    {
        var rows = new List<IReadOnlyList<object>>();
        var duration = options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(8);
        foreach (var provider in options.Providers)
        {
            await using var database = await BenchDatabase.CreateAsync(provider, options.PostgresServer);
            var (privatePem, publicPem) = LicenseKeys.GenerateKeyPair();
            await using var server = await BenchServer.StartAsync(database, [$"--Enterprise:LicensePublicKeys:0={publicPem}"]);
            var perClient = options.Quick ? 200 : 2000;
            var seed = await SeedAsync(server, privatePem, perClient);
            var clients = seed.Sessions.Select(s => new FlowClient(server.BaseAddress, s)).ToList();
            try
            {
                // Warm-up on targets reserved for it.
                await Task.WhenAll(clients.Select((c, i) => c.LockAsync(seed.Targets[i][0])));
                await Task.WhenAll(clients.Select((c, i) => c.TriggerAsync(seed.Targets[i][1])));
                var next = new int[Clients];
                Array.Fill(next, 2);
                var triggers = await DriveAsync(clients, duration, async i => await clients[i].TriggerAsync(seed.Targets[i][next[i]++ % perClient]));
                var complete = await DriveAsync(clients, duration, async i =>
                {
                    if (next[i] >= perClient)
                    {
                        throw new InvalidOperationException("not enough seeded targets for this duration");
                    }
                    await clients[i].LockAsync(seed.Targets[i][next[i]++]);
                });
                await AssertLockedAsync(server, seed.Targets.SelectMany(t => t.Take(2)).ToList());
                rows.Add([provider, Clients, "trigger only (baseline)", triggers.Count, triggers.PerSecond, triggers.P50, triggers.P99, 1.0]);
                rows.Add([provider, Clients, "complete lockdown (trigger + 3 executor calls + stage)", complete.Count, complete.PerSecond, complete.P50, complete.P99, complete.PerSecond / triggers.PerSecond]);
                Console.WriteLine($"e2e {provider}: {complete.PerSecond:0.0} lockdowns/s, trigger alone {triggers.PerSecond:0} /s");
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        }
        await Report.WriteAsync(options.ResultsDirectory, "lockdown-end-to-end",
            ["provider", "clients", "operation", "completed", "per_s", "p50_ms", "p99_ms", "rate_vs_trigger"], rows);
    }

    private sealed record Measured(int Count, double PerSecond, double P50, double P99);

    private static async Task<Measured> DriveAsync(List<FlowClient> clients, TimeSpan duration, Func<int, Task> once)
    {
        var latencies = new List<double>[clients.Count];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select((_, i) => Task.Run(async () =>
        {
            var own = latencies[i] = [];
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var t0 = Stopwatch.GetTimestamp();
                await once(i);
                own.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return new Measured(all.Count, all.Count / elapsed, Stats.Percentile(all, 50), Stats.Percentile(all, 99));
    }

    /// <summary>One browser: an administrator's session cookie and CSRF token, and no automatic redirects.</summary>
    private sealed class FlowClient : IDisposable
    {
        private const string Executor = "/api/v3/flows/executor/bench-e2e-lockdown/?query=";
        private readonly HttpClient _http;
        private readonly string _csrf;

        public FlowClient(Uri baseAddress, string sessionKey)
        {
            _csrf = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
            var cookies = new CookieContainer();
            cookies.Add(baseAddress, new Cookie(SessionStore.CookieName, sessionKey));
            cookies.Add(baseAddress, new Cookie(SessionStore.CsrfCookieName, _csrf));
            _http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
            _http.DefaultRequestHeaders.Add(SessionStore.CsrfHeaderName, _csrf);
        }

        public async Task TriggerAsync(int target)
        {
            using var response = await _http.PostAsync(new Uri("/api/v3/core/users/account_lockdown/", UriKind.Relative),
                new StringContent($"{{\"user\": {target}}}", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !body.Contains("/if/flow/bench-e2e-lockdown/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"trigger answered {(int)response.StatusCode} {body}");
            }
        }

        public async Task LockAsync(int target)
        {
            await TriggerAsync(target);
            var prompt = await ChallengeAsync(await _http.GetAsync(new Uri(Executor, UriKind.Relative)));
            Expect(prompt, PromptChallenge.ComponentName);
            using var answer = await _http.PostAsync(new Uri(Executor, UriKind.Relative), new StringContent(
                "{\"component\": \"ak-stage-prompt\", \"lockdown_reason\": \"benchmark\"}", Encoding.UTF8, "application/json"));
            if (answer.StatusCode != HttpStatusCode.Found)
            {
                throw new InvalidOperationException($"prompt answer: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }
            var done = await ChallengeAsync(await _http.GetAsync(new Uri(Executor, UriKind.Relative)));
            Expect(done, RedirectChallenge.ComponentName);
        }

        private static async Task<JsonObject> ChallengeAsync(HttpResponseMessage response)
        {
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(text) is JsonObject obj
                    ? obj
                    : throw new InvalidOperationException($"executor answered {(int)response.StatusCode} {text}");
            }
        }

        private static void Expect(JsonObject challenge, string component)
        {
            if (challenge["component"]?.GetValue<string>() != component)
            {
                throw new InvalidOperationException($"expected {component}, got {challenge.ToJsonString()}");
            }
        }

        public void Dispose() => _http.Dispose();
    }

    private sealed record Seed(List<string> Sessions, List<List<int>> Targets);

    /// <summary>A licence; a flow (prompt for the reason, then the lockdown stage) on the default brand; per client an administrator with a session, and targets.</summary>
    private static async Task<Seed> SeedAsync(BenchServer server, string privatePem, int perClient)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WardenDbContext>();
        var ids = services.GetRequiredService<InstallIds>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        using (var signer = LicenseKeys.ImportPrivateKey(privatePem))
        {
            var key = LicenseKeys.Issue(signer, await ids.GetAsync(), "bench", 100_000, 100_000, now.AddYears(1), null);
            var validated = services.GetRequiredService<LicenseKeys>().Validate(key, await ids.AudienceAsync(), now);
            var license = new License();
            license.Apply(key, validated.Claims!);
            db.Set<License>().Add(license);
        }
        var flow = new Flow { Name = "bench e2e", Slug = "bench-e2e-lockdown", Title = "Lock", Designation = "stage_configuration", Authentication = "require_authenticated" };
        var reason = new Prompt { Name = "bench-reason", FieldKey = AccountLockdown.ReasonKey, Label = "Reason", Type = "text_area", Required = true };
        var prompt = new PromptStage { Name = "bench-e2e-prompt", Fields = [reason] };
        var lockdown = new AccountLockdownStage { Name = "bench-e2e-lockdown" };
        db.AddRange(flow, reason, prompt, lockdown);
        db.Add(new FlowStageBinding { Target = flow, Stage = prompt, Order = 0 });
        db.Add(new FlowStageBinding { Target = flow, Stage = lockdown, Order = 10 });
        var brand = await db.Brands.FirstAsync(b => b.Default);
        brand.FlowLockdownId = flow.Id;
        var admins = await db.Groups.FirstAsync(g => g.IsSuperuser);
        var sessions = new List<string>();
        var targets = new List<List<User>>();
        for (var c = 0; c < Clients; c++)
        {
            var admin = new User { Username = $"bench-admin-{c}", Name = "Bench admin", Password = "!" };
            admin.Groups.Add(admins);
            db.Add(admin);
            var key = SessionStore.NewKey();
            var session = new Session { SessionKey = key, Expires = now.UtcDateTime.AddDays(1), LastIp = "127.0.0.1", LastUserAgent = "bench", LastUsed = now.UtcDateTime };
            session.Authenticated = new AuthenticatedSession { SessionKey = key, Session = session, User = admin };
            db.Add(session);
            sessions.Add(key);
            var own = Enumerable.Range(0, perClient).Select(i => new User { Username = $"bench-e2e-{c}-{i:0000}", Name = "Target", Password = "!" }).ToList();
            db.AddRange(own);
            targets.Add(own);
        }
        await db.SaveChangesAsync();
        await services.GetRequiredService<LicenseStatus>().GetSummaryAsync();
        return new Seed(sessions, [.. targets.Select(t => t.Select(u => u.Id).ToList())]);
    }

    private static async Task AssertLockedAsync(BenchServer server, List<int> userIds)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var active = await db.Users.CountAsync(u => userIds.Contains(u.Id) && u.IsActive);
        if (active != userIds.Count / 2)
        {
            // Every warm-up target (the first of each pair) must be locked; every trigger-only target untouched.
            throw new InvalidOperationException($"expected {userIds.Count / 2} untouched targets, found {active} active");
        }
    }
}
