using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Policies;
using Warden.Tests.Core;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Enterprise.Stages.AccountLockdown.LockdownStageHarness;

namespace Warden.Tests.Enterprise.Stages.AccountLockdown;

/// <summary>
/// <c>POST /api/v3/core/users/account_lockdown/</c> (authentik's test_api.py, and every refusal in the order authentik
/// checks them): a licensed app, a <c>stage_configuration</c> flow with a lockdown stage at order 0, set as the default
/// brand's lockdown flow.
/// </summary>
public sealed class AccountLockdownTriggerApiTests
{
    private const string Url = "/api/v3/core/users/account_lockdown/";

    private static async Task<(TestApp App, LockdownStageHarness Harness)> StartAsync(string provider, bool licensed = true, bool setBrand = true)
    {
        var app = licensed ? await TestLicenses.StartLicensedAsync(provider) : await TestLicenses.StartTrustingAsync(provider);
        var harness = await CreateAsync(app);
        if (setBrand)
        {
            await SetBrandFlowAsync(app, harness.Flow.Id);
        }
        return (app, harness);
    }

    private static Task SetBrandFlowAsync(TestApp app, Guid? flowId) =>
        app.WithDbAsync(async db =>
        {
            var brand = await db.Brands.SingleAsync(b => b.Default, Ct);
            brand.FlowLockdownId = flowId;
            await db.SaveChangesAsync(Ct);
        });

    private static Task<JsonObject?> PlanAsync(TestApp app, string sessionKey) =>
        app.WithDbAsync(async db => (await db.Sessions.AsNoTracking().SingleAsync(s => s.SessionKey == sessionKey, Ct)).Data[FlowPlan.SessionKey] as JsonObject);

    /// <summary>authentik's <c>assert_redirect_targets</c>: the link names the flow with no query, and the session's plan names the target.</summary>
    private static async Task AssertRedirectTargetsAsync(TestApp app, HttpResponseMessage response, LockdownStageHarness harness, string sessionKey, User target)
    {
        await response.AssertJsonAsync(200, $$"""{"link": "/if/flow/{{harness.Flow.Slug}}/"}""");
        var plan = FlowPlan.FromJson(await PlanAsync(app, sessionKey))!;
        Assert.Equal(harness.Flow.Id, plan.FlowId);
        Assert.Equal(target.Id, plan.PendingUserId());
        Assert.Equal([harness.Binding.Id], plan.Bindings.Select(b => b.BindingId));
        // Nothing is locked and nothing is recorded until the flow runs.
        Assert.True((await ReloadAsync(app, target)).IsActive);
        Assert.Empty(await LockdownEventsAsync(app));
    }

    [Theory, Providers]
    public async Task ChangeUserOnTheTargetReturnsTheLinkAndPlansTheTarget(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync(email: "target@example.test");
        await app.GrantAsync(actor, "authentik_core.change_user", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (client, key) = await app.AsSessionAsync(actor);

        var response = await client.PostAsync(Url, Json.Content(new { user = target.Id }), Ct);

        await AssertRedirectTargetsAsync(app, response, harness, key, target);
    }

    [Theory, Providers]
    public async Task WithoutALockdownFlowOnTheBrandTheCallIsRefused(string provider)
    {
        var (app, _) = await StartAsync(provider, setBrand: false);
        await using var __ = app;
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        await app.GrantAsync(actor, "authentik_core.change_user", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (client, key) = await app.AsSessionAsync(actor);

        var response = await client.PostAsync(Url, Json.Content(new { user = target.Id }), Ct);

        await response.AssertJsonAsync(400, """{"non_field_errors": ["No lockdown flow configured."]}""");
        Assert.Null(await PlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task AnonymousCallersAreRefused(string provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var __ = app;
        var target = await app.CreateUserAsync();

        var response = await app.Anonymous().PostAsync(Url, Json.Content(new { user = target.Id }), Ct);

        await response.AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task LockingSomeoneElseWithoutChangeUserIsForbidden(string provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var __ = app;
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        // change_user on another account does not count.
        var other = await app.CreateUserAsync();
        await app.GrantAsync(actor, "authentik_core.change_user", other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await app.GrantAsync(actor, "authentik_core.view_user");
        var (client, key) = await app.AsSessionAsync(actor);

        var response = await client.PostAsync(Url, Json.Content(new { user = target.Id }), Ct);

        await response.AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        Assert.Null(await PlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task AnEmptyBodyLocksYourself(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var target = await app.CreateUserAsync(email: "self@example.test");
        var (client, key) = await app.AsSessionAsync(target);

        var response = await client.PostAsync(Url, Json.Content(new { }), Ct);

        await AssertRedirectTargetsAsync(app, response, harness, key, target);
    }

    [Theory, Providers]
    public async Task NamingYourselfNeedsNoPermission(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var target = await app.CreateUserAsync(email: "self@example.test");
        var (client, key) = await app.AsSessionAsync(target);

        var response = await client.PostAsync(Url, Json.Content(new { user = target.Id }), Ct);

        await AssertRedirectTargetsAsync(app, response, harness, key, target);
    }

    [Theory, Providers]
    public async Task NoBodyANullUserAndExtraKeysAllMeanYourself(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var target = await app.CreateUserAsync();
        var (client, key) = await app.AsSessionAsync(target);

        await AssertRedirectTargetsAsync(app, await client.PostAsync(Url, null, Ct), harness, key, target);
        await AssertRedirectTargetsAsync(app, await client.PostAsync(Url, Json.Raw("""{"user": null, "reason": "ignored"}"""), Ct), harness, key, target);
    }

    [Theory, Providers]
    public async Task GlobalChangeUserOrSuperuserMayLockAnyone(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var holder = await app.CreateUserAsync();
        await app.GrantAsync(holder, "authentik_core.change_user");
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync();

        var (byHolder, holderKey) = await app.AsSessionAsync(holder);
        await AssertRedirectTargetsAsync(app, await byHolder.PostAsync(Url, Json.Content(new { user = target.Id }), Ct), harness, holderKey, target);
        var (byAdmin, adminKey) = await app.AsSessionAsync(admin);
        await AssertRedirectTargetsAsync(app, await byAdmin.PostAsync(Url, Json.Content(new { user = target.Id }), Ct), harness, adminKey, target);
    }

    [Theory, Providers]
    public async Task TheAnonymousUserServiceAccountsAndUnknownKeysDoNotExist(string provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var __ = app;
        var admin = await app.CreateUserAsync(superuser: true);
        var service = await app.CreateUserAsync(type: UserType.InternalServiceAccount);
        var anonymous = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Username == User.AnonymousUsername, Ct));
        var (client, key) = await app.AsSessionAsync(admin);

        foreach (var pk in new[] { service.Id, anonymous.Id, 987654 })
        {
            var response = await client.PostAsync(Url, Json.Content(new { user = pk }), Ct);
            await response.AssertJsonAsync(400, $$"""{"user": ["Invalid pk \"{{pk}}\" - object does not exist."]}""");
        }
        Assert.Null(await PlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task MalformedBodiesAreRefusedInDrfsWords(string provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var __ = app;
        var admin = await app.CreateUserAsync(superuser: true);
        var (client, key) = await app.AsSessionAsync(admin);

        await (await client.PostAsync(Url, Json.Raw("""{"user": "abc"}"""), Ct))
            .AssertJsonAsync(400, """{"user": ["Incorrect type. Expected pk value, received str."]}""");
        await (await client.PostAsync(Url, Json.Raw("""[1]"""), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}""");
        await (await client.PostAsync(Url, Json.Raw("""{"user": true}"""), Ct))
            .AssertJsonAsync(400, """{"user": ["Incorrect type. Expected pk value, received bool."]}""");
        Assert.Null(await PlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task TheBodyIsCheckedBeforeTheLicenceAndTheLicenceBeforeThePermission(string provider)
    {
        var (app, _) = await StartAsync(provider, licensed: false);
        await using var __ = app;
        var actor = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var (client, key) = await app.AsSessionAsync(actor);

        await (await client.PostAsync(Url, Json.Content(new { user = 987654 }), Ct))
            .AssertJsonAsync(400, """{"user": ["Invalid pk \"987654\" - object does not exist."]}""");
        // Unlicensed: refused before the permission (the actor may not lock the target) is looked at.
        await (await client.PostAsync(Url, Json.Content(new { user = target.Id }), Ct))
            .AssertJsonAsync(400, """["Enterprise is required to use this endpoint."]""");
        await (await client.PostAsync(Url, Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """["Enterprise is required to use this endpoint."]""");
        Assert.Null(await PlanAsync(app, key));

        // Licensed: the permission comes before the brand's flow.
        await TestLicenses.InstallAsync(app);
        await SetBrandFlowAsync(app, null);
        await (await client.PostAsync(Url, Json.Content(new { user = target.Id }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await client.PostAsync(Url, Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["No lockdown flow configured."]}""");
    }

    [Theory, Providers]
    public async Task AReadOnlyLicenceIsAnsweredByTheEnterpriseGateNotTheMiddleware(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var harness = await CreateAsync(app);
        await SetBrandFlowAsync(app, harness.Flow.Id);
        var user = await app.CreateUserAsync();
        var expiry = app.Clock.GetUtcNow().AddDays(1);
        await TestLicenses.InstallAsync(app, expires: expiry);
        app.Clock.SetUtcNow(expiry + TimeSpan.FromDays(43));
        Assert.Equal("read_only", (await TestLicenses.SummaryAsync(app)).Status);
        var (client, _) = await app.AsSessionAsync(user);

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """["Enterprise is required to use this endpoint."]""");
    }

    [Theory, Providers]
    public async Task AFlowThatDoesNotApplyIsRefused(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var user = await app.CreateUserAsync();
        var (client, key) = await app.AsSessionAsync(user);

        // The caller must meet the flow's authentication requirement...
        await app.WithDbAsync(async db =>
        {
            (await db.Set<Flow>().SingleAsync(f => f.Id == harness.Flow.Id, Ct)).Authentication = "require_superuser";
            await db.SaveChangesAsync(Ct);
        });
        await (await client.PostAsync(Url, Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["Lockdown flow is not applicable."]}""");

        // ...the flow's policies are judged for the target (here: passes only when it is not the caller)...
        await app.WithDbAsync(async db =>
        {
            (await db.Set<Flow>().SingleAsync(f => f.Id == harness.Flow.Id, Ct)).Authentication = "require_authenticated";
            var policy = new Warden.Policies.PendingUser.PendingUserIsNotRequestUserPolicy { Name = "not-self-" + Guid.NewGuid().ToString("N") };
            db.Add(policy);
            db.Add(new PolicyBinding { PolicyId = policy.Id, TargetFlowId = harness.Flow.Id });
            await db.SaveChangesAsync(Ct);
        });
        await (await client.PostAsync(Url, Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["Lockdown flow is not applicable."]}""");

        // ...and a flow left without stages is not applicable either.
        await app.WithDbAsync(async db =>
        {
            await db.Set<PolicyBinding>().Where(b => b.TargetFlowId == harness.Flow.Id).ExecuteDeleteAsync(Ct);
            await db.Set<FlowStageBinding>().Where(b => b.TargetId == harness.Flow.Id).ExecuteDeleteAsync(Ct);
        });
        await (await client.PostAsync(Url, Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["Lockdown flow is not applicable."]}""");
        Assert.Null(await PlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task TheCallsOwnQueryStringIsCarriedOnTheLink(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var user = await app.CreateUserAsync();
        var (client, _) = await app.AsSessionAsync(user);

        var response = await client.PostAsync(Url + "?next=%2Fif%2Fuser%2F", Json.Content(new { }), Ct);

        await response.AssertJsonAsync(200, $$"""{"link": "/if/flow/{{harness.Flow.Slug}}/?next=%2Fif%2Fuser%2F"}""");
    }

    [Theory, Providers]
    public async Task ATokenCallerGetsALinkWhosePlanLivesInAThrowAwaySession(string provider)
    {
        var (app, harness) = await StartAsync(provider);
        await using var _ = app;
        var user = await app.CreateUserAsync();
        var client = await app.AsTokenAsync(user);
        var sessionsBefore = await app.WithDbAsync(db => db.Sessions.CountAsync(Ct));

        var response = await client.PostAsync(Url, Json.Content(new { }), Ct);

        await response.AssertJsonAsync(200, $$"""{"link": "/if/flow/{{harness.Flow.Slug}}/"}""");
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(sessionsBefore + 1, await app.WithDbAsync(db => db.Sessions.CountAsync(Ct)));
    }

    [Theory, Providers]
    public async Task ASessionCallWithoutTheCsrfHeaderIsRefused(string provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var __ = app;
        var user = await app.CreateUserAsync();
        var (client, key) = await app.AsSessionAsync(user);
        client.DefaultRequestHeaders.Remove(Warden.Core.SessionStore.CsrfHeaderName);

        var response = await client.PostAsync(Url, Json.Content(new { }), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("CSRF Failed: ", (await response.BodyAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await PlanAsync(app, key));
    }
}
