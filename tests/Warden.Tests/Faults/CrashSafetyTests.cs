using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Prompt;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Faults;

/// <summary>
/// The server process is killed (SIGKILL) while it locks an account with 100 000 tokens. The account must be left
/// either untouched or fully locked, never in between; after a restart a second lockdown completes.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Tokens = 100_000;
    private const int Sessions = 1_000;
    private const string Executor = "/api/v3/flows/executor/crash-lockdown/?query=";

    [Theory, Providers]
    public async Task KillingTheServerDuringALockdownLeavesTheAccountUntouchedOrFullyLocked(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (seeder, settings) = await FaultFixtures.NodeDatabaseAsync(provider);
        await using var seeding = seeder;
        await TestLicenses.InstallAsync(seeder);
        var admin = await seeder.CreateUserAsync(superuser: true);
        Assert.Equal(Executor, await FaultFixtures.LockdownFlowAsync(seeder, "crash-lockdown"));

        var outcomes = new List<string>();
        // Two kill points: early (likely inside the first transaction) and later (likely after it committed).
        foreach (var killAfter in new[] { TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(600) })
        {
            var target = await seeder.CreateUserAsync();
            await seeder.WithDbAsync(db => BulkArtifacts.InsertAsync(db, target.Id, Sessions, Tokens, ct));
            var password = target.Password;

            var node = await WardenNode.StartAsync("crash", settings);
            try
            {
                await using (node)
                {
                    var browser = await ReachLockdownStageAsync(node, seeder, admin, target, ct);
                    var running = browser.GetAsync(Executor, CancellationToken.None);
                    await Task.Delay(killAfter, TimeProvider.System, ct);
                    await node.KillAsync();
                    try
                    {
                        using var _ = await running;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    catch (TaskCanceledException)
                    {
                    }
                    browser.Dispose();
                }
            }
            catch
            {
                output.WriteLine(node.Log);
                throw;
            }

            var state = await StateAsync(seeder, target.Id, ct);
            var untouched = state is { Active: true, Tokens: Tokens, Sessions: Sessions } && state.Password == password;
            var locked = state is { Active: false, Tokens: 0, Sessions: 0 } && state.Password.StartsWith('!');
            outcomes.Add(untouched ? "untouched" : locked ? "fully locked" : "HALF-LOCKED");
            Assert.True(untouched || locked, $"after a kill at {killAfter.TotalMilliseconds} ms the account is half-locked: {state}");

            // After a restart, a second lockdown of the same account completes.
            await using (var restarted = await WardenNode.StartAsync("restarted", settings))
            {
                using var browser = await ReachLockdownStageAsync(restarted, seeder, admin, target, ct);
                using var done = await browser.GetAsync(Executor, ct);
                var end = await done.BodyAsync();
                Assert.Equal("xak-flow-redirect", end["component"]!.GetValue<string>());
            }
            var after = await StateAsync(seeder, target.Id, ct);
            Assert.True(after is { Active: false, Tokens: 0, Sessions: 0 }, $"second lockdown did not complete: {after}");
            var events = await seeder.WithDbAsync(async db =>
                (await db.Set<Event>().AsNoTracking().Where(e => e.Action == EventActions.UserWrite).ToListAsync(ct))
                .Count(e => e.Context["affected_user"]?.GetValue<string>() == target.Username));
            Assert.InRange(events, 1, 2);
        }
        var half = outcomes.Count(o => o == "HALF-LOCKED");
        output.WriteLine($"crash safety ({provider}): {outcomes.Count} kills during a lockdown of {Tokens} tokens: {string.Join(", ", outcomes)}; half-locked accounts: {half}");
        TestReport.Line($"crash safety ({provider}): half-locked accounts: {half} of {outcomes.Count}");
    }

    private sealed record AccountState(bool Active, string Password, int Tokens, int Sessions);

    private static Task<AccountState> StateAsync(TestApp app, int userId, CancellationToken ct) =>
        app.WithDbAsync(async db =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
            return new AccountState(user.IsActive, user.Password,
                await db.Tokens.CountAsync(t => t.UserId == userId, ct),
                await db.AuthenticatedSessions.CountAsync(s => s.UserId == userId, ct));
        });

    /// <summary>An administrator's browser on <paramref name="node"/> with the plan at the lockdown stage (reason answered).</summary>
    private static async Task<HttpClient> ReachLockdownStageAsync(WardenNode node, TestApp seeder, User admin, User target, CancellationToken ct)
    {
        var key = await seeder.AddSessionAsync(admin);
        var csrf = "csrf-" + Guid.NewGuid().ToString("N");
        var browser = node.Client($"{SessionStore.CookieName}={key}; {SessionStore.CsrfCookieName}={csrf}", csrf);
        browser.Timeout = TimeSpan.FromMinutes(2);
        using var trigger = await browser.PostAsync("/api/v3/core/users/account_lockdown/", Json.Content(new { user = target.Id }), ct);
        Assert.Equal(HttpStatusCode.OK, trigger.StatusCode);
        using var prompt = await browser.GetAsync(Executor, ct);
        Assert.Equal("ak-stage-prompt", (await prompt.BodyAsync())["component"]!.GetValue<string>());
        using var answer = await browser.PostAsync(Executor,
            Json.Content(new Dictionary<string, string> { ["component"] = "ak-stage-prompt", ["lockdown_reason"] = "crash test" }), ct);
        Assert.Equal(HttpStatusCode.Found, answer.StatusCode);
        return browser;
    }
}
