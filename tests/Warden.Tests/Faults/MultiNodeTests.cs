using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Prompt;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Faults;

/// <summary>
/// Three Warden processes on one database, as operators run them behind a load balancer. A lockdown made through one
/// node must end the target's access on every node from the moment it commits; a flow begun on one node continues
/// on another; a licence installed on one is in force on the others at once.
/// </summary>
public sealed class MultiNodeTests(ITestOutputHelper output)
{
    private const string Me = "/api/v3/core/users/me/";

    private sealed record Attempt(long StartedAt, bool Accepted);

    [Theory, Providers]
    public async Task LockdownThroughOneNodeEndsTheTargetsAccessOnEveryNodeAtOnce(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (seeder, settings) = await FaultFixtures.NodeDatabaseAsync(provider);
        await using var seeding = seeder;

        var admin = await seeder.CreateUserAsync(superuser: true);
        var adminToken = await seeder.CreateTokenAsync(admin);
        var target = await seeder.CreateUserAsync();
        var targetToken = await seeder.CreateTokenAsync(target);
        var targetSession = await seeder.AddSessionAsync(target);
        var adminSession = await seeder.AddSessionAsync(admin);
        var executor = await FaultFixtures.LockdownFlowAsync(seeder, "nodes-lockdown");
        var licenceKey = await TestLicenses.IssueAsync(seeder);

        var nodes = new List<WardenNode>();
        try
        {
            foreach (var name in new[] { "A", "B", "C" })
            {
                nodes.Add(await WardenNode.StartAsync(name, settings));
            }
            var (a, b, c) = (nodes[0], nodes[1], nodes[2]);

            // A licence installed through node A is in force on B and C on their next request.
            using (var install = a.Client(bearer: adminToken))
            {
                using var installed = await install.PostAsync("/api/v3/enterprise/license/", Json.Content(new { key = licenceKey }), ct);
                Assert.Equal(HttpStatusCode.Created, installed.StatusCode);
            }
            foreach (var node in new[] { b, c })
            {
                using var summaryClient = node.Client(bearer: adminToken);
                var summary = await (await summaryClient.GetAsync("/api/v3/enterprise/license/summary/", ct)).BodyAsync();
                Assert.Equal("valid", summary["status"]!.GetValue<string>());
            }

            // The target's stolen credentials, used in a loop against every node.
            var attempts = new ConcurrentBag<Attempt>();
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var loops = nodes.SelectMany(node => new[]
            {
                HammerAsync(node.Client(cookie: $"{SessionStore.CookieName}={targetSession}"), attempts, clock, stop.Token),
                HammerAsync(node.Client(bearer: targetToken), attempts, clock, stop.Token),
            }).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, ct);

            // The administrator's browser: the trigger on A, the prompt on B, the answer on C, the lockdown on A.
            var csrf = "csrf-" + Guid.NewGuid().ToString("N");
            var cookie = $"{SessionStore.CookieName}={adminSession}; {SessionStore.CsrfCookieName}={csrf}";
            using (var browserA = a.Client(cookie, csrf))
            using (var browserB = b.Client(cookie, csrf))
            using (var browserC = c.Client(cookie, csrf))
            {
                using var trigger = await browserA.PostAsync("/api/v3/core/users/account_lockdown/", Json.Content(new { user = target.Id }), ct);
                await trigger.AssertJsonAsync(200, """{"link": "/if/flow/nodes-lockdown/"}""");
                var challenge = await (await browserB.GetAsync(executor, ct)).BodyAsync();
                Assert.Equal("ak-stage-prompt", challenge["component"]!.GetValue<string>());
                using var answer = await browserC.PostAsync(executor,
                    Json.Content(new Dictionary<string, string> { ["component"] = "ak-stage-prompt", ["lockdown_reason"] = "stolen laptop" }), ct);
                Assert.Equal(HttpStatusCode.Found, answer.StatusCode);
                using var done = await browserA.GetAsync(executor, ct);
                // The lockdown transaction commits before this answer is sent: every request started from now on
                // with the target's credentials must be refused, on every node.
                var committedBy = clock.ElapsedTicks;
                var end = await done.BodyAsync();
                Assert.Equal("xak-flow-redirect", end["component"]!.GetValue<string>());
                await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, ct);
                await stop.CancelAsync();
                await Task.WhenAll(loops);

                var before = attempts.Where(x => x.StartedAt < committedBy).ToList();
                var after = attempts.Where(x => x.StartedAt > committedBy).ToList();
                var acceptedAfter = after.Count(x => x.Accepted);
                output.WriteLine($"multi-node ({provider}): accepted after revocation: {acceptedAfter} of {after.Count} requests tried on 3 nodes ({before.Count} before, {before.Count(x => x.Accepted)} of them accepted)");
                TestReport.Line($"multi-node ({provider}): accepted after revocation: {acceptedAfter} of {after.Count} requests tried");
                // The loop must have worked before the lockdown, or "0 accepted" would prove nothing.
                Assert.True(before.Any(x => x.Accepted), "no request with the target's credentials was accepted before the lockdown");
                Assert.True(after.Count > 30, $"only {after.Count} requests after the lockdown");
                Assert.Equal(0, acceptedAfter);
            }

            await seeder.WithDbAsync(async db =>
            {
                Assert.False((await db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id, ct)).IsActive);
                Assert.Equal(0, await db.Tokens.CountAsync(t => t.UserId == target.Id, ct));
                Assert.Equal(0, await db.AuthenticatedSessions.CountAsync(s => s.UserId == target.Id, ct));
                var events = (await db.Set<Event>().AsNoTracking().Where(e => e.Action == EventActions.UserWrite).ToListAsync(ct))
                    .Where(e => e.Context["action_id"]?.GetValue<string>() == AccountLockdown.ActionId).ToList();
                var lockdownEvent = Assert.Single(events);
                Assert.Equal("stolen laptop", lockdownEvent.Context["reason"]!.GetValue<string>());
                Assert.Equal(target.Username, lockdownEvent.Context["affected_user"]!.GetValue<string>());
                Assert.Equal(admin.Username, lockdownEvent.User["authenticated_as"]!["username"]!.GetValue<string>());
            });
        }
        catch
        {
            foreach (var node in nodes)
            {
                output.WriteLine($"--- node {node.Name} log ---\n{node.Log}");
            }
            throw;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task HammerAsync(HttpClient client, ConcurrentBag<Attempt> attempts, Stopwatch clock, CancellationToken stop)
    {
        using (client)
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.ElapsedTicks;
                try
                {
                    using var response = await client.GetAsync(Me, CancellationToken.None);
                    attempts.Add(new Attempt(started, response.StatusCode == HttpStatusCode.OK));
                }
                catch (HttpRequestException)
                {
                    attempts.Add(new Attempt(started, false));
                }
            }
        }
    }

}
