using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Events;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Enterprise.Stages.AccountLockdown;

/// <summary>The lockdown routine itself (authentik's <c>_lockdown_user</c>), below the flow stage.</summary>
public sealed class AccountLockdownTests
{
    private static async Task LockAsync(TestApp app, User target, LockdownActions actions, string reason, User? actor)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Path = "/api/v3/flows/executor/lockdown/";
        http.Request.Method = "GET";
        if (actor is not null)
        {
            http.Identity().User = actor;
            http.Identity().AuthenticatedBy = AuthenticatedBy.Session;
        }
        await scope.ServiceProvider.GetRequiredService<Warden.Enterprise.Stages.AccountLockdown.AccountLockdown>()
            .LockAsync(http, target, actions, reason, actor, TestContext.Current.CancellationToken);
    }

    private static Task<List<Event>> LockdownEventsAsync(TestApp app) =>
        app.WithDbAsync(async db => (await db.Set<Event>().Where(e => e.Action == "user_write").ToListAsync())
            .Where(e => e.Context["action_id"]?.GetValue<string>() == "account_lockdown").ToList());

    [Theory, Providers]
    public async Task LockdownDeactivatesClearsPasswordEndsSessionsRevokesEveryTokenAndRecordsTheReason(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync();
        var bystander = await app.CreateUserAsync();
        await app.AddSessionAsync(target);
        await app.AddSessionAsync(target);
        await app.AddSessionAsync(bystander);
        foreach (var intent in Enum.GetValues<TokenIntent>())
        {
            await app.CreateTokenAsync(target, intent);
        }
        await app.CreateTokenAsync(target, TokenIntent.Api, expires: app.Clock.GetUtcNow().UtcDateTime.AddDays(-1));
        await app.CreateTokenAsync(bystander);
        var before = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id));

        await LockAsync(app, target, LockdownActions.All, "Security incident", admin);

        await app.WithDbAsync(async db =>
        {
            var locked = await db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id);
            Assert.False(locked.IsActive);
            Assert.False(PasswordHasher.HasUsablePassword(locked.Password));
            Assert.Equal(before.PasswordChangeDate, locked.PasswordChangeDate);
            Assert.Equal(0, await db.AuthenticatedSessions.CountAsync(a => a.UserId == target.Id));
            Assert.Equal(0, await db.Tokens.CountAsync(t => t.UserId == target.Id));
            Assert.Equal(1, await db.AuthenticatedSessions.CountAsync(a => a.UserId == bystander.Id));
            Assert.Equal(1, await db.Tokens.CountAsync(t => t.UserId == bystander.Id));
            Assert.True((await db.Users.AsNoTracking().SingleAsync(u => u.Id == bystander.Id)).IsActive);
        });
        var ev = Assert.Single(await LockdownEventsAsync(app));
        Assert.Equal("authentik.enterprise.stages.account_lockdown.stage", ev.App);
        Assert.Equal("Security incident", ev.Context["reason"]!.GetValue<string>());
        Assert.Equal(target.Username, ev.Context["affected_user"]!.GetValue<string>());
        Assert.Equal("/api/v3/flows/executor/lockdown/", ev.Context["http_request"]!["path"]!.GetValue<string>());
        // An administrator's lockdown records the target with the administrator under authenticated_as.
        var expected = AuditLog.UserDict(target);
        expected["authenticated_as"] = AuditLog.UserDict(admin);
        Assert.True(JsonNode.DeepEquals(expected, ev.User), ev.User.ToJsonString());
        Assert.Equal(target.Username, ev.User["username"]!.GetValue<string>());
        Assert.Equal(admin.Id, ev.User["authenticated_as"]!["pk"]!.GetValue<int>());
    }

    [Theory, Providers]
    public async Task SelfLockdownRecordsThePlainActor(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var target = await app.CreateUserAsync();
        await LockAsync(app, target, LockdownActions.All, "mine", target);
        var ev = Assert.Single(await LockdownEventsAsync(app));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"pk": {{target.Id}}, "username": "{{target.Username}}", "email": "{{target.Email}}"}"""), ev.User));
    }

    [Theory, Providers]
    public async Task OnlyTheSelectedActionsAreApplied(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(password: "testpassword");
        await app.CreateTokenAsync(target);
        await app.AddSessionAsync(target);

        await LockAsync(app, target, new LockdownActions(DeactivateUser: true, SetUnusablePassword: false, DeleteSessions: false, RevokeTokens: false), "", admin);

        await app.WithDbAsync(async db =>
        {
            var locked = await db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id);
            Assert.False(locked.IsActive);
            Assert.True(PasswordHasher.Verify("testpassword", locked.Password));
            Assert.Equal(1, await db.Tokens.CountAsync(t => t.UserId == target.Id));
            Assert.Equal(1, await db.AuthenticatedSessions.CountAsync(a => a.UserId == target.Id));
        });
    }

    [Theory, Providers]
    public async Task WithNoActionsNothingChangesButTheEventIsStillWritten(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(password: "testpassword");

        await LockAsync(app, target, new LockdownActions(false, false, false, false), "audit only", admin);

        var user = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id));
        Assert.True(user.IsActive);
        Assert.True(PasswordHasher.Verify("testpassword", user.Password));
        Assert.Equal("audit only", Assert.Single(await LockdownEventsAsync(app)).Context["reason"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task ATokenCreatedByAnotherConnectionDuringTheLockdownDoesNotSurvive(string provider)
    {
        var hooks = new LockdownHooks();
        await using var app = await TestApp.StartAsync(provider, services: s => s.AddSingleton(hooks));
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync();
        await app.CreateTokenAsync(target);
        var raced = 0;
        hooks.BeforeRemainingCheck = async _ =>
        {
            // As authentik's concurrency test: another connection commits a new token right before the first check.
            if (Interlocked.Increment(ref raced) == 1)
            {
                await Task.Run(() => app.CreateTokenAsync(target));
            }
        };

        await LockAsync(app, target, LockdownActions.All, "", admin);

        Assert.True(raced >= 2, "the loop checked again after deleting the raced token");
        Assert.Equal(0, await app.WithDbAsync(db => db.Tokens.CountAsync(t => t.UserId == target.Id)));
    }

    [Theory, Providers]
    public async Task AFailureInsideTheTransactionLeavesTheAccountUntouchedAndWritesNoEvent(string provider)
    {
        var hooks = new LockdownHooks { AfterUserUpdated = _ => throw new InvalidOperationException("injected") };
        await using var app = await TestApp.StartAsync(provider, services: s => s.AddSingleton(hooks));
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(password: "testpassword");
        await app.CreateTokenAsync(target);
        await app.AddSessionAsync(target);

        await Assert.ThrowsAsync<InvalidOperationException>(() => LockAsync(app, target, LockdownActions.All, "x", admin));

        await app.WithDbAsync(async db =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id);
            Assert.True(user.IsActive);
            Assert.True(PasswordHasher.Verify("testpassword", user.Password));
            Assert.Equal(1, await db.Tokens.CountAsync(t => t.UserId == target.Id));
            Assert.Equal(1, await db.AuthenticatedSessions.CountAsync(a => a.UserId == target.Id));
        });
        Assert.Empty(await LockdownEventsAsync(app));
    }
}
