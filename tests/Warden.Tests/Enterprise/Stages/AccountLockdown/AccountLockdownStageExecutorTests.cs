using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Enterprise.Stages.AccountLockdown.LockdownStageHarness;

namespace Warden.Tests.Enterprise.Stages.AccountLockdown;

/// <summary>
/// The lockdown stage (authentik's <c>AccountLockdownStageView.dispatch</c>, test_stage.py): a superuser actor, another
/// superuser as target, a flow with the stage at order 0, and the stage run on a hand-built plan.
/// </summary>
public sealed class AccountLockdownStageExecutorTests
{
    private static void AssertInvalid(StageResult result, string message) =>
        Assert.Equal(StageResult.Invalid(message), result);

    [Theory, Providers]
    public async Task WithoutAPendingUserAnAnonymousRequestHasNoTarget(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var harness = await CreateAsync(app);

        var outcome = await harness.DispatchAsync(null, []);

        AssertInvalid(outcome.Result, "No target user specified for account lockdown");
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task AnAdministratorLocksThePendingUserAndTheEventRecordsTheReason(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app);
        Assert.True((await ReloadAsync(app, target)).IsActive);
        Assert.True(await harness.CanLockAsync(admin, target));

        var outcome = await harness.DispatchAsync(admin, Pending(target, new JsonObject { ["lockdown_reason"] = "Security incident" }));

        Assert.Equal(StageResult.Ok, outcome.Result);
        var locked = await ReloadAsync(app, target);
        Assert.False(locked.IsActive);
        Assert.False(PasswordHasher.HasUsablePassword(locked.Password));
        var ev = Assert.Single(await LockdownEventsAsync(app));
        Assert.Equal("account_lockdown", ev.Context["action_id"]!.GetValue<string>());
        Assert.Equal("Security incident", ev.Context["reason"]!.GetValue<string>());
        Assert.Equal(target.Username, ev.Context["affected_user"]!.GetValue<string>());
        Assert.Equal($"/api/v3/flows/executor/{harness.Flow.Slug}/", ev.Context["http_request"]!["path"]!.GetValue<string>());
        // The administrator is recorded under authenticated_as, the target as the event's user.
        Assert.Equal(target.Id, ev.User["pk"]!.GetValue<int>());
        Assert.Equal(admin.Id, ev.User["authenticated_as"]!["pk"]!.GetValue<int>());
    }

    [Theory, Providers]
    public async Task ThePendingUserIsLockedWithTheContextReason(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app);

        var outcome = await harness.DispatchAsync(admin, Pending(target, new JsonObject { ["lockdown_reason"] = "Compromised account" }), post: []);

        Assert.Equal(StageResult.Ok, outcome.Result);
        Assert.False((await ReloadAsync(app, target)).IsActive);
        Assert.Equal("Compromised account", Assert.Single(await LockdownEventsAsync(app)).Context["reason"]!.GetValue<string>());
    }

    [Fact]
    public void TheReasonComesFromThePromptFirstThenTheContextThenNothing()
    {
        Assert.Equal("User requested lockdown", AccountLockdownStageExecutor.ReasonOf(new FlowPlan
        {
            Context = new JsonObject
            {
                ["prompt_data"] = new JsonObject { ["lockdown_reason"] = "User requested lockdown" },
                ["lockdown_reason"] = "from the context",
            },
        }));
        // Present in the prompt, even empty, wins.
        Assert.Equal("", AccountLockdownStageExecutor.ReasonOf(new FlowPlan
        {
            Context = new JsonObject { ["prompt_data"] = new JsonObject { ["lockdown_reason"] = "" }, ["lockdown_reason"] = "ctx" },
        }));
        Assert.Equal("ctx", AccountLockdownStageExecutor.ReasonOf(new FlowPlan
        {
            Context = new JsonObject { ["prompt_data"] = new JsonObject { ["other"] = "x" }, ["lockdown_reason"] = "ctx" },
        }));
        Assert.Equal("", AccountLockdownStageExecutor.ReasonOf(new FlowPlan()));
    }

    [Theory, Providers]
    public async Task TheReasonTypedInThePromptIsRecorded(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app);
        var plan = new FlowPlan { Context = new JsonObject { ["prompt_data"] = new JsonObject { ["lockdown_reason"] = "User requested lockdown" } } };

        // As authentik's test: the lockdown routine, called with the stage's reason.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Identity().User = admin;
            await scope.ServiceProvider.GetRequiredService<Warden.Enterprise.Stages.AccountLockdown.AccountLockdown>()
                .LockAsync(http, target, LockdownActions.All, AccountLockdownStageExecutor.ReasonOf(plan), admin, Ct);
        }

        Assert.Equal("User requested lockdown", Assert.Single(await LockdownEventsAsync(app)).Context["reason"]!.GetValue<string>());
        // And through the stage, with a pending user.
        var other = await app.CreateUserAsync();
        var outcome = await harness.DispatchAsync(admin, Pending(other, new JsonObject
        {
            ["prompt_data"] = new JsonObject { ["lockdown_reason"] = "typed" },
            ["lockdown_reason"] = "not this",
        }));
        Assert.Equal(StageResult.Ok, outcome.Result);
        Assert.Contains(await LockdownEventsAsync(app), e => e.Context["reason"]!.GetValue<string>() == "typed"
            && e.Context["affected_user"]!.GetValue<string>() == other.Username);
    }

    [Theory, Providers]
    public async Task AFailingEventDoesNotFailASelfServiceLockdown(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, services: FailLockdownEvents);
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app, s => s.DeleteSessions = false);

        // The routine itself does not throw.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Identity().User = target;
            await scope.ServiceProvider.GetRequiredService<Warden.Enterprise.Stages.AccountLockdown.AccountLockdown>()
                .LockAsync(http, target, harness.Stage.Actions, "", target, Ct);
        }

        Assert.False((await ReloadAsync(app, target)).IsActive);
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task TheStageSucceedsWhenTheEventCannotBeWritten(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, services: FailLockdownEvents);
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app, s => s.DeleteSessions = false);

        var outcome = await harness.DispatchAsync(target, Pending(target));

        Assert.Equal(StageResult.Ok, outcome.Result);
        Assert.False((await ReloadAsync(app, target)).IsActive);
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task ASelfServiceLockdownFlushesTheSessionAndRedirectsToTheCompletionFlow(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var target = await app.CreateUserAsync(superuser: true);
        var completion = await CreateFlowAsync(app);
        var harness = await CreateAsync(app, s => s.SelfServiceCompletionFlowId = completion.Id);
        var session = await AddSessionAsync(app, target);
        var other = await AddSessionAsync(app, target);

        var outcome = await harness.DispatchAsync(target, [], sessionKey: session);

        Assert.Equal(StageResult.Redirect($"/if/flow/{completion.Slug}/"), outcome.Result);
        Assert.Null(outcome.SessionAfter);
        Assert.Null(outcome.Http.CurrentUser());
        Assert.Contains(outcome.Http.Response.Headers.SetCookie, c => c!.StartsWith("authentik_session=;", StringComparison.Ordinal));
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Sessions.AnyAsync(s => s.SessionKey == session || s.SessionKey == other, Ct));
            var locked = await db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id, Ct);
            Assert.False(locked.IsActive);
        });
        var ev = Assert.Single(await LockdownEventsAsync(app));
        Assert.True(JsonNode.DeepEquals(Warden.Events.AuditLog.UserDict(target), ev.User), ev.User.ToJsonString());
    }

    [Theory, Providers]
    public async Task ASelfServiceLockdownThatEndsSessionsNeedsACompletionFlowAndChangesNothingWithout(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app);
        await app.CreateTokenAsync(target);
        var session = await AddSessionAsync(app, target);

        var outcome = await harness.DispatchAsync(target, Pending(target), sessionKey: session);

        AssertInvalid(outcome.Result, "Self-service account lockdown requires a completion flow.");
        var user = await ReloadAsync(app, target);
        Assert.True(user.IsActive);
        Assert.True(PasswordHasher.Verify("password", user.Password));
        await app.WithDbAsync(async db =>
        {
            Assert.True(await db.Sessions.AnyAsync(s => s.SessionKey == session, Ct));
            Assert.Equal(1, await db.Tokens.CountAsync(t => t.UserId == target.Id, Ct));
        });
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task ASelfServiceLockdownThatKeepsSessionsContinuesTheFlow(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var target = await app.CreateUserAsync();
        var harness = await CreateAsync(app, s => s.DeleteSessions = false);
        var session = await AddSessionAsync(app, target);

        var outcome = await harness.DispatchAsync(target, [], sessionKey: session);

        Assert.Equal(StageResult.Ok, outcome.Result);
        Assert.NotNull(outcome.SessionAfter);
        Assert.False((await ReloadAsync(app, target)).IsActive);
        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == session, Ct)));
    }

    [Theory, Providers]
    public async Task AUserWithoutPermissionCannotLockSomeoneElse(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync(superuser: true);
        var harness = await CreateAsync(app);
        Assert.False(await harness.CanLockAsync(actor, target));

        var outcome = await harness.DispatchAsync(actor, Pending(target));

        AssertInvalid(outcome.Result, "You do not have permission to lock down this account.");
        Assert.True((await ReloadAsync(app, target)).IsActive);
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task ChangeUserOnTheTargetIsEnoughToLockIt(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        await Warden.Tests.Core.CoreTestData.GrantAsync(app, actor, "authentik_core.change_user", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var harness = await CreateAsync(app);

        var outcome = await harness.DispatchAsync(actor, Pending(target));

        Assert.Equal(StageResult.Ok, outcome.Result);
        Assert.False((await ReloadAsync(app, target)).IsActive);
    }

    [Theory, Providers]
    public async Task AnAnonymousBrowserWithAPlanNamingSomeoneIsDenied(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var target = await app.CreateUserAsync();
        var harness = await CreateAsync(app);

        var outcome = await harness.DispatchAsync(null, Pending(target));

        AssertInvalid(outcome.Result, "You do not have permission to lock down this account.");
        Assert.True((await ReloadAsync(app, target)).IsActive);
    }

    [Theory, Providers]
    public async Task ServiceAccountsDeletedUsersAndUnreadableTargetsAreNoTarget(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var service = await app.CreateUserAsync(type: UserType.InternalServiceAccount);
        var anonymous = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Username == User.AnonymousUsername, Ct));
        var harness = await CreateAsync(app);

        AssertInvalid((await harness.DispatchAsync(admin, Pending(service))).Result, "No target user specified for account lockdown");
        AssertInvalid((await harness.DispatchAsync(admin, Pending(anonymous))).Result, "No target user specified for account lockdown");
        AssertInvalid((await harness.DispatchAsync(admin, new JsonObject { ["pending_user"] = 987654 })).Result, "No target user specified for account lockdown");
        // A pending user that cannot be read names nobody; the stage must not fall back to the administrator.
        AssertInvalid((await harness.DispatchAsync(admin, new JsonObject { ["pending_user"] = "akadmin" })).Result, "No target user specified for account lockdown");
        // The service account calling the stage for itself is refused too.
        AssertInvalid((await harness.DispatchAsync(service, [])).Result, "No target user specified for account lockdown");
        Assert.True((await ReloadAsync(app, admin)).IsActive);
        Assert.True((await ReloadAsync(app, service)).IsActive);
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task AnAlreadyInactiveUserCanBeLockedAgain(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(active: false);
        var harness = await CreateAsync(app);

        Assert.Equal(StageResult.Ok, (await harness.DispatchAsync(admin, Pending(target))).Result);
        Assert.Equal(StageResult.Ok, (await harness.DispatchAsync(admin, Pending(target))).Result);

        Assert.Equal(2, (await LockdownEventsAsync(app)).Count);
    }

    [Theory, Providers]
    public async Task TheStageRevokesTheTargetsTokens(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(superuser: true);
        await app.CreateTokenAsync(target, TokenIntent.Api);
        var harness = await CreateAsync(app);

        Assert.Equal(StageResult.Ok, (await harness.DispatchAsync(admin, Pending(target))).Result);

        Assert.Equal(0, await app.WithDbAsync(db => db.Tokens.CountAsync(t => t.UserId == target.Id, Ct)));
    }

    [Theory, Providers]
    public async Task OnlyTheStagesSelectedActionsAreApplied(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(password: "testpassword");
        await app.CreateTokenAsync(target);
        var harness = await CreateAsync(app, s => (s.SetUnusablePassword, s.DeleteSessions, s.RevokeTokens) = (false, false, false));

        Assert.Equal(StageResult.Ok, (await harness.DispatchAsync(admin, Pending(target))).Result);

        var user = await ReloadAsync(app, target);
        Assert.False(user.IsActive);
        Assert.True(PasswordHasher.Verify("testpassword", user.Password));
        Assert.Equal(1, await app.WithDbAsync(db => db.Tokens.CountAsync(t => t.UserId == target.Id, Ct)));
    }

    [Theory, Providers]
    public async Task WithNoActionsTheStageChangesNothingButRecordsTheEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(password: "testpassword");
        var harness = await CreateAsync(app, s => (s.DeactivateUser, s.SetUnusablePassword, s.DeleteSessions, s.RevokeTokens) = (false, false, false, false));

        Assert.Equal(StageResult.Ok, (await harness.DispatchAsync(admin, Pending(target))).Result);

        var user = await ReloadAsync(app, target);
        Assert.True(user.IsActive);
        Assert.True(PasswordHasher.Verify("testpassword", user.Password));
        Assert.Single(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task AFailedLockdownIsReportedAndLeavesTheAccountUntouched(string provider)
    {
        var hooks = new LockdownHooks { AfterUserUpdated = _ => throw new InvalidOperationException("injected") };
        await using var app = await TestApp.StartAsync(provider, services: s => s.AddSingleton(hooks));
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(password: "testpassword");
        await app.CreateTokenAsync(target);
        await app.CreateTokenAsync(target, TokenIntent.AppPassword);
        await app.AddSessionAsync(target);
        var harness = await CreateAsync(app);

        var outcome = await harness.DispatchAsync(admin, Pending(target));

        AssertInvalid(outcome.Result, "Account lockdown failed for this account.");
        var user = await ReloadAsync(app, target);
        var (tokens, sessions) = await app.WithDbAsync(async db => (
            await db.Tokens.CountAsync(t => t.UserId == target.Id, Ct),
            await db.AuthenticatedSessions.CountAsync(a => a.UserId == target.Id, Ct)));
        var events = await LockdownEventsAsync(app);
        var halfLocked = !user.IsActive || !PasswordHasher.Verify("testpassword", user.Password) || tokens != 2 || sessions != 1;
        TestReport.Line($"all-or-nothing ({provider}): failure injected after the user update; half-locked accounts: {(halfLocked ? 1 : 0)} of 1, lockdown events: {events.Count}");
        Assert.True(user.IsActive);
        Assert.True(PasswordHasher.Verify("testpassword", user.Password));
        Assert.Equal((2, 1), (tokens, sessions));
        Assert.Empty(events);
    }

    [Theory, Providers]
    public async Task ATokenCreatedConcurrentlyDuringTheStageDoesNotSurvive(string provider)
    {
        var hooks = new LockdownHooks();
        await using var app = await TestApp.StartAsync(provider, services: s => s.AddSingleton(hooks));
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync();
        await app.CreateTokenAsync(target);
        var harness = await CreateAsync(app);
        var raced = 0;
        hooks.BeforeRemainingCheck = async _ =>
        {
            if (Interlocked.Increment(ref raced) == 1)
            {
                await Task.Run(() => app.CreateTokenAsync(target));
            }
        };

        Assert.Equal(StageResult.Ok, (await harness.DispatchAsync(admin, Pending(target))).Result);

        Assert.True(raced >= 2);
        Assert.Equal(0, await app.WithDbAsync(db => db.Tokens.CountAsync(t => t.UserId == target.Id, Ct)));
    }

    [Theory, Providers]
    public async Task TheStageTypeIsRegisteredAsAnEnterpriseStage(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var type = app.Service<StageTypes>().For(typeof(AccountLockdownStage));

        Assert.Equal(new StageType(typeof(AccountLockdownStage), typeof(AccountLockdownStageExecutor), "ak-stage-account-lockdown-form",
            "Account Lockdown Stage", "Account Lockdown Stages", "authentik_stages_account_lockdown.accountlockdownstage",
            "Lock down a target user account.", RequiresEnterprise: true), type);
        Assert.Equal("accountlockdownstage", type.ModelName);
    }
}
