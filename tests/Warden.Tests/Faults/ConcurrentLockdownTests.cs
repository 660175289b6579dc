using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Events;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Faults;

/// <summary>
/// Fifty administrators lock one account at once, and fifty lock fifty accounts, while the targets' own stolen
/// tokens keep creating new tokens: every target ends with no token and no session, one event per completed
/// lockdown, no deadlock and no server error.
/// </summary>
public sealed class ConcurrentLockdownTests(ITestOutputHelper output)
{
    private const int Parallel = 50;

    [Theory, Providers]
    public async Task FiftyLockdownsOfOneAccountAndOfFiftyAccountsLeaveNothingBehind(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var executor = await FaultFixtures.LockdownFlowAsync(app, "concurrent-lockdown");

        var shared = await app.CreateUserAsync();
        var many = new List<User>();
        for (var i = 0; i < Parallel; i++)
        {
            many.Add(await app.CreateUserAsync());
        }
        var targets = many.Append(shared).ToList();
        var stolen = new Dictionary<int, string>();
        foreach (var target in targets)
        {
            stolen[target.Id] = await app.CreateTokenAsync(target);
            await app.AsSessionAsync(target);
        }
        var admins = new List<HttpClient>();
        for (var i = 0; i < 2 * Parallel; i++)
        {
            admins.Add((await app.AsSessionAsync(await app.CreateUserAsync(superuser: true))).Client);
        }

        var statuses = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        // The attacker: each target's stolen token keeps minting tokens until it is refused.
        var minting = targets.Select(target => Task.Run(async () =>
        {
            using var client = app.Anonymous();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stolen[target.Id]);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                using var created = await client.PostAsync("/api/v3/core/tokens/",
                    Json.Content(new { identifier = $"minted-{target.Id}-{n++}", intent = "api" }), CancellationToken.None);
                statuses.Add((int)created.StatusCode);
                if (created.StatusCode == HttpStatusCode.Forbidden)
                {
                    break;
                }
            }
        })).ToList();

        var runs = admins.Select((admin, i) => Task.Run(() => LockAsync(admin, executor, i < Parallel ? shared : many[i - Parallel], statuses))).ToList();
        var results = await Task.WhenAll(runs);
        await stop.CancelAsync();
        await Task.WhenAll(minting);

        var completed = results.Count(r => r);
        var serverErrors = statuses.Count(s => s >= 500);
        var events = await app.WithDbAsync(async db =>
            (await db.Set<Event>().AsNoTracking().Where(e => e.Action == EventActions.UserWrite).ToListAsync(ct))
            .Where(e => e.Context["action_id"]?.GetValue<string>() == AccountLockdown.ActionId).ToList());
        var left = await app.WithDbAsync(async db =>
        {
            var ids = targets.Select(t => t.Id).ToList();
            return (Tokens: await db.Tokens.CountAsync(t => ids.Contains(t.UserId), ct),
                Sessions: await db.AuthenticatedSessions.CountAsync(s => ids.Contains(s.UserId), ct),
                Active: await db.Users.CountAsync(u => ids.Contains(u.Id) && u.IsActive, ct));
        });
        var line = $"concurrent lockdowns ({provider}): {completed} of {runs.Count} completed, {events.Count} events, " +
            $"{statuses.Count} requests, {serverErrors} server errors, tokens left: {left.Tokens}, sessions left: {left.Sessions}, active left: {left.Active}";
        output.WriteLine(line);
        TestReport.Line(line);

        // The stolen tokens did mint tokens while the lockdowns ran, or there was no race to win.
        Assert.Contains(201, statuses);
        Assert.Equal(0, serverErrors);
        Assert.Equal(runs.Count, completed);
        Assert.Equal(completed, events.Count);
        Assert.Equal(Parallel, events.Count(e => e.Context["affected_user"]!.GetValue<string>() == shared.Username));
        Assert.Equal((0, 0, 0), left);
        admins.ForEach(a => a.Dispose());
    }

    /// <summary>One administrator's whole lockdown; true when the flow ended with its final redirect.</summary>
    private static async Task<bool> LockAsync(HttpClient admin, string executor, User target, ConcurrentBag<int> statuses)
    {
        using var trigger = await admin.PostAsync("/api/v3/core/users/account_lockdown/", Json.Content(new { user = target.Id }));
        statuses.Add((int)trigger.StatusCode);
        using var prompt = await admin.GetAsync(executor);
        statuses.Add((int)prompt.StatusCode);
        using var answer = await admin.PostAsync(executor,
            Json.Content(new Dictionary<string, string> { ["component"] = "ak-stage-prompt", ["lockdown_reason"] = "concurrency" }));
        statuses.Add((int)answer.StatusCode);
        using var done = await admin.GetAsync(executor);
        statuses.Add((int)done.StatusCode);
        if (done.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }
        return (await done.BodyAsync())["component"]?.GetValue<string>() == "xak-flow-redirect";
    }
}
