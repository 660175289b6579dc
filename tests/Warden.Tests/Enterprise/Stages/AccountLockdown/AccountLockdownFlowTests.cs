using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Tests.Core;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Enterprise.Stages.AccountLockdown.LockdownStageHarness;

namespace Warden.Tests.Enterprise.Stages.AccountLockdown;

/// <summary>
/// The whole story through the real executor: the trigger plans the brand's lockdown flow into the caller's session,
/// the browser opens the executor, and the lockdown stage runs on that GET.
/// </summary>
public sealed class AccountLockdownFlowTests
{
    private const string Trigger = "/api/v3/core/users/account_lockdown/";

    private static string Executor(Flow flow) => $"/api/v3/flows/executor/{flow.Slug}/?query=";

    private static string RedirectJson(string to) => $$"""{"component": "xak-flow-redirect", "to": "{{to}}", "final_redirect": false}""";

    private static string DeniedJson(Flow flow, User pending, string message) => $$"""
        {"component": "ak-stage-access-denied",
         "flow_info": {"title": "{{flow.Title}}", "background": "{{FlowExecutor.DefaultBackground}}", "cancel_url": "/flows/-/cancel/", "layout": "stacked", "background_themed_urls": null},
         "pending_user": "{{pending.Username}}", "pending_user_avatar": "{{Avatars.For(pending)}}", "error_message": "{{message}}"}
        """;

    private static async Task<(TestApp App, LockdownStageHarness Harness)> StartAsync(string provider, Action<Warden.Enterprise.Stages.AccountLockdown.AccountLockdownStage>? configure = null)
    {
        var app = await TestLicenses.StartLicensedAsync(provider);
        var harness = await CreateAsync(app, configure);
        await app.WithDbAsync(async db =>
        {
            (await db.Brands.SingleAsync(b => b.Default, Ct)).FlowLockdownId = harness.Flow.Id;
            await db.SaveChangesAsync(Ct);
        });
        return (app, harness);
    }

    [Theory, Providers]
    public async Task AnAdministratorLocksAnotherAccountThroughTheFlow(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync();
        var targetToken = await app.CreateTokenAsync(target);
        var (targetBrowser, targetSession) = await app.AsSessionAsync(target);
        var (client, adminSession) = await app.AsSessionAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await targetBrowser.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        var link = await client.PostAsync(Trigger, Json.Content(new { user = target.Id }), Ct);
        await link.AssertJsonAsync(200, $$"""{"link": "/if/flow/{{harness.Flow.Slug}}/"}""");
        var response = await client.GetAsync(Executor(harness.Flow), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/"));
        var locked = await ReloadAsync(app, target);
        Assert.False(locked.IsActive);
        Assert.False(PasswordHasher.HasUsablePassword(locked.Password));
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Sessions.AnyAsync(s => s.SessionKey == targetSession, Ct));
            Assert.Equal(0, await db.Tokens.CountAsync(t => t.UserId == target.Id, Ct));
            // The administrator's own session survives; the plan is gone from it.
            var own = await db.Sessions.AsNoTracking().SingleAsync(s => s.SessionKey == adminSession, Ct);
            Assert.False(own.Data.ContainsKey(FlowPlan.SessionKey));
        });
        // The target's browser session and token no longer work.
        await (await targetBrowser.GetAsync("/api/v3/core/users/me/", Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        var byToken = app.Anonymous();
        byToken.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", targetToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await byToken.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        var ev = Assert.Single(await LockdownEventsAsync(app));
        Assert.Equal("authentik.enterprise.stages.account_lockdown.stage", ev.App);
        Assert.Equal(("", target.Username), (ev.Context["reason"]!.GetValue<string>(), ev.Context["affected_user"]!.GetValue<string>()));
        var expectedUser = AuditLog.UserDict(target);
        expectedUser["authenticated_as"] = AuditLog.UserDict(admin);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(expectedUser, ev.User), ev.User.ToJsonString());
        Assert.Equal($"/api/v3/flows/executor/{harness.Flow.Slug}/", ev.Context["http_request"]!["path"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task ASelfServiceLockdownEndsOnTheCompletionFlowLoggedOut(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var completion = await CreateFlowAsync(app);
        await app.WithDbAsync(async db =>
        {
            (await db.Set<Warden.Enterprise.Stages.AccountLockdown.AccountLockdownStage>().SingleAsync(s => s.Id == harness.Stage.Id, Ct))
                .SelfServiceCompletionFlowId = completion.Id;
            await db.SaveChangesAsync(Ct);
        });
        var user = await app.CreateUserAsync();
        var (client, session) = await app.AsSessionAsync(user);

        await (await client.PostAsync(Trigger, Json.Content(new { }), Ct)).AssertJsonAsync(200, $$"""{"link": "/if/flow/{{harness.Flow.Slug}}/"}""");
        var response = await client.GetAsync(Executor(harness.Flow), Ct);

        await response.AssertJsonAsync(200, RedirectJson($"/if/flow/{completion.Slug}/"));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("authentik_session=;", StringComparison.Ordinal));
        Assert.False((await ReloadAsync(app, user)).IsActive);
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == session, Ct)));
        var ev = Assert.Single(await LockdownEventsAsync(app));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(AuditLog.UserDict(user), ev.User), ev.User.ToJsonString());
    }

    [Theory, Providers]
    public async Task ASelfServiceLockdownWithoutACompletionFlowIsDeniedAndChangesNothing(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var user = await app.CreateUserAsync();
        var (client, session) = await app.AsSessionAsync(user);

        await client.PostAsync(Trigger, Json.Content(new { }), Ct);
        var response = await client.GetAsync(Executor(harness.Flow), Ct);

        await response.AssertJsonAsync(200, DeniedJson(harness.Flow, user, "Self-service account lockdown requires a completion flow."));
        Assert.True((await ReloadAsync(app, user)).IsActive);
        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == session, Ct)));
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task APermissionWithdrawnAfterTheTriggerIsCheckedAgainWhenTheStageRuns(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        await app.GrantAsync(actor, "authentik_core.change_user", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (client, _) = await app.AsSessionAsync(actor);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Trigger, Json.Content(new { user = target.Id }), Ct)).StatusCode);

        await app.WithDbAsync(db => db.Set<Warden.Rbac.RolePermission>().Where(p => p.Permission == "authentik_core.change_user").ExecuteDeleteAsync(Ct));
        var response = await client.GetAsync(Executor(harness.Flow), Ct);

        await response.AssertJsonAsync(200, DeniedJson(harness.Flow, target, "You do not have permission to lock down this account."));
        Assert.True((await ReloadAsync(app, target)).IsActive);
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task OpeningTheFlowWithoutATriggerLocksTheLoggedInUser(string provider)
    {
        var (app, harness) = await StartAsync(provider, s => s.DeleteSessions = false);
        await using var _ = app;
        var user = await app.CreateUserAsync();
        var (client, _) = await app.AsSessionAsync(user);

        var response = await client.GetAsync(Executor(harness.Flow), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/"));
        Assert.False((await ReloadAsync(app, user)).IsActive);
        Assert.Equal(user.Username, Assert.Single(await LockdownEventsAsync(app)).Context["affected_user"]!.GetValue<string>());
    }
}
