using Microsoft.EntityFrameworkCore;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Deny;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;
using Warden.Tests.Stages;

namespace Warden.Tests.Enterprise.Stages.AccountLockdown;

/// <summary>/api/v3/stages/account_lockdown/: the typed stage viewset, its filters, the enterprise gate and the read-only middleware.</summary>
public sealed class AccountLockdownStageApiTests
{
    private const string Url = "/api/v3/stages/account_lockdown/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";
    private const string Gate = """{"non_field_errors": ["Enterprise is required to create/update this object."]}""";
    private const string DeniedLicense = """{"detail": "Request denied due to expired/invalid license.", "code": "denied_license"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string StageJson(AccountLockdownStage s, string flowSet = "") => $$"""
        {"pk": "{{s.Id}}", "name": "{{s.Name}}", "component": "ak-stage-account-lockdown-form",
         "verbose_name": "Account Lockdown Stage", "verbose_name_plural": "Account Lockdown Stages",
         "meta_model_name": "authentik_stages_account_lockdown.accountlockdownstage", "flow_set": [{{flowSet}}],
         "deactivate_user": {{Bool(s.DeactivateUser)}}, "set_unusable_password": {{Bool(s.SetUnusablePassword)}},
         "delete_sessions": {{Bool(s.DeleteSessions)}}, "revoke_tokens": {{Bool(s.RevokeTokens)}},
         "self_service_completion_flow": {{(s.SelfServiceCompletionFlowId is { } f ? $"\"{f}\"" : "null")}}}
        """;

    private static string Bool(bool b) => b ? "true" : "false";

    private static string Page(int count, string results) => $$"""
        {"pagination": {"next": 0, "previous": 0, "count": {{count}}, "current": 1, "total_pages": 1, "start_index": {{(count == 0 ? 0 : 1)}}, "end_index": {{count}} },
         "results": [{{results}}], "autocomplete": {} }
        """;

    private static Task<AccountLockdownStage> ReloadAsync(TestApp app, Guid id) =>
        app.WithDbAsync(db => db.Set<AccountLockdownStage>().AsNoTracking().SingleAsync(s => s.Id == id, Ct));

    [Theory, Providers]
    public async Task ListFiltersSearchesOrdersAndShowsTheFlowsEachStageIsBoundTo(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var completion = await app.CreateFlowAsync("completion");
        var alpha = await app.CreateStageAsync(new AccountLockdownStage { Name = "alpha" });
        var beta = await app.CreateStageAsync(new AccountLockdownStage { Name = "beta", DeactivateUser = false, RevokeTokens = false, SelfServiceCompletionFlowId = completion.Id });
        var gamma = await app.CreateStageAsync(new AccountLockdownStage { Name = "gamma lock", SetUnusablePassword = false, DeleteSessions = false });
        await app.CreateStageAsync(new DenyStage { Name = "a deny stage" });
        var flow = await app.CreateFlowAsync("lockdown-flow");
        await app.BindAsync(flow, alpha, 0);
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(200,
            Page(3, $"{StageJson(alpha, StageFixtures.FlowSetJson(flow))}, {StageJson(beta)}, {StageJson(gamma)}"));
        await (await client.GetAsync(Url + "?deactivate_user=false", Ct)).AssertJsonAsync(200, Page(1, StageJson(beta)));
        await (await client.GetAsync(Url + "?revoke_tokens=true&set_unusable_password=true", Ct)).AssertJsonAsync(200, Page(1, StageJson(alpha, StageFixtures.FlowSetJson(flow))));
        await (await client.GetAsync(Url + "?delete_sessions=false", Ct)).AssertJsonAsync(200, Page(1, StageJson(gamma)));
        await (await client.GetAsync(Url + $"?self_service_completion_flow={completion.Id}", Ct)).AssertJsonAsync(200, Page(1, StageJson(beta)));
        await (await client.GetAsync(Url + $"?stage_uuid={gamma.Id}", Ct)).AssertJsonAsync(200, Page(1, StageJson(gamma)));
        await (await client.GetAsync(Url + "?name=beta", Ct)).AssertJsonAsync(200, Page(1, StageJson(beta)));
        await (await client.GetAsync(Url + "?search=LOCK", Ct)).AssertJsonAsync(200, Page(1, StageJson(gamma)));
        await (await client.GetAsync(Url + "?ordering=-name", Ct)).AssertJsonAsync(200,
            Page(3, $"{StageJson(gamma)}, {StageJson(beta)}, {StageJson(alpha, StageFixtures.FlowSetJson(flow))}"));
        var paged = await (await client.GetAsync(Url + "?page_size=2&page=2", Ct)).BodyAsync();
        Assert.Equal("""{"next":0,"previous":1,"count":3,"current":2,"total_pages":2,"start_index":3,"end_index":3}""", paged["pagination"]!.ToJsonString());
        await (await client.GetAsync(Url + "?stage_uuid=nope", Ct)).AssertJsonAsync(400, """{"stage_uuid": ["Enter a valid UUID."]}""");
        await (await client.GetAsync(Url + "?page=9", Ct)).AssertJsonAsync(404, """{"detail": "Invalid page."}""");
    }

    [Theory, Providers]
    public async Task ListShowsOnlyWhatTheCallerMayView(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var user = await app.CreateUserAsync();
        var seen = await app.CreateStageAsync(new AccountLockdownStage { Name = "seen" });
        await app.CreateStageAsync(new AccountLockdownStage { Name = "hidden" });
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, "authentik_stages_account_lockdown.view_accountlockdownstage", seen.Id.ToString());
        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(200, Page(1, StageJson(seen)));
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task CreateDefaultsEveryActionOnAndRecordsTheEvent(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, "authentik_stages_account_lockdown.add_accountlockdownstage");
        var client = await app.AsTokenAsync(user);

        var response = await client.PostAsync(Url, Json.Content(new { name = "lock" }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<AccountLockdownStage>().AsNoTracking().SingleAsync(Ct));
        Assert.Equal(("lock", LockdownActions.All, (Guid?)null), (stage.Name, stage.Actions, stage.SelfServiceCompletionFlowId));
        await response.AssertJsonAsync(201, StageJson(stage));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelCreated)), user,
            "authentik_stages_account_lockdown", "accountlockdownstage", stage.Id.ToString("N"), "lock");
    }

    [Theory, Providers]
    public async Task CreateStoresEveryField(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var completion = await app.CreateFlowAsync();
        var client = await app.AsTokenAsync(admin);

        var response = await client.PostAsync(Url, Json.Content(new
        {
            name = "custom", deactivate_user = false, set_unusable_password = false, delete_sessions = true, revoke_tokens = false,
            self_service_completion_flow = completion.Id,
        }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<AccountLockdownStage>().AsNoTracking().SingleAsync(Ct));
        Assert.Equal((new LockdownActions(false, false, true, false), (Guid?)completion.Id), (stage.Actions, stage.SelfServiceCompletionFlowId));
        await response.AssertJsonAsync(201, StageJson(stage));
    }

    [Theory, Providers]
    public async Task CreateRefusesBadBodiesAndCallersWithoutPermission(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        await app.CreateStageAsync(new DenyStage { Name = "taken" });
        var client = await app.AsTokenAsync(admin);
        var missing = Guid.NewGuid();

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = " " }), Ct)).AssertJsonAsync(400, """{"name": ["This field may not be blank."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "taken" }), Ct)).AssertJsonAsync(400, """{"name": ["stage with this name already exists."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "x", self_service_completion_flow = missing }), Ct))
            .AssertJsonAsync(400, $$"""{"self_service_completion_flow": ["Invalid pk \"{{missing}}\" - object does not exist."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "x", deactivate_user = "maybe" }), Ct))
            .AssertJsonAsync(400, """{"deactivate_user": ["Must be a valid boolean."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "x", self_service_completion_flow = "nope" }), Ct))
            .AssertJsonAsync(400, """{"self_service_completion_flow": ["\u201cnope\u201d is not a valid UUID."]}""");
        var plain = await app.AsTokenAsync(await app.CreateUserAsync());
        await (await plain.PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, NotAuthenticated);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<AccountLockdownStage>().CountAsync(Ct)));
    }

    [Theory, Providers]
    public async Task WithoutALicenceWritesAreRefusedAfterFieldValidationButReadsAndDeletesWork(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var existing = await app.CreateStageAsync(new AccountLockdownStage { Name = "existing" });
        var client = await app.AsTokenAsync(admin);

        await (await client.PostAsync(Url, Json.Content(new { name = "new" }), Ct)).AssertJsonAsync(400, Gate);
        // Field errors are reported instead of the gate.
        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PutAsync($"{Url}{existing.Id}/", Json.Content(new { name = "renamed" }), Ct)).AssertJsonAsync(400, Gate);
        await (await client.PatchAsync($"{Url}{existing.Id}/", Json.Content(new { revoke_tokens = false }), Ct)).AssertJsonAsync(400, Gate);
        await (await client.PatchAsync($"{Url}{existing.Id}/", Json.Content(new { revoke_tokens = "x" }), Ct))
            .AssertJsonAsync(400, """{"revoke_tokens": ["Must be a valid boolean."]}""");
        var stored = await ReloadAsync(app, existing.Id);
        Assert.Equal(("existing", true), (stored.Name, stored.RevokeTokens));
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
        Assert.Empty(await app.EventsAsync(EventActions.ModelUpdated));

        await (await client.GetAsync($"{Url}{existing.Id}/", Ct)).AssertJsonAsync(200, StageJson(stored));
        Assert.Equal(204, (int)(await client.DeleteAsync($"{Url}{existing.Id}/", Ct)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<AccountLockdownStage>().CountAsync(Ct)));
    }

    [Theory, Providers]
    public async Task AReadOnlyLicenceRefusesEveryWriteBeforeTheHandler(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var existing = await app.CreateStageAsync(new AccountLockdownStage { Name = "existing" });
        var client = await app.AsTokenAsync(admin);
        var expiry = app.Clock.GetUtcNow().AddDays(1);
        await TestLicenses.InstallAsync(app, expires: expiry);
        app.Clock.SetUtcNow(expiry + TimeSpan.FromDays(43));

        await (await client.PostAsync(Url, Json.Content(new { name = "new" }), Ct)).AssertJsonAsync(400, DeniedLicense);
        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, DeniedLicense);
        await (await client.PatchAsync($"{Url}{existing.Id}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(400, DeniedLicense);
        await (await client.PutAsync($"{Url}{existing.Id}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(400, DeniedLicense);
        await (await client.DeleteAsync($"{Url}{existing.Id}/", Ct)).AssertJsonAsync(400, DeniedLicense);
        Assert.Equal("existing", (await ReloadAsync(app, existing.Id)).Name);
        await (await client.GetAsync($"{Url}{existing.Id}/", Ct)).AssertJsonAsync(200, StageJson(existing));
    }

    [Theory, Providers]
    public async Task RetrieveAnswersTheStageOr404(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var user = await app.CreateUserAsync();
        var stage = await app.CreateStageAsync(new AccountLockdownStage { Name = "one" });
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, "authentik_stages_account_lockdown.view_accountlockdownstage", stage.Id.ToString());
        await (await client.GetAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(200, StageJson(stage));
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, """{"detail": "No AccountLockdownStage matches the given query."}""");
        // A deny stage's key is not a lockdown stage.
        var deny = await app.CreateStageAsync(new DenyStage { Name = "deny" });
        await app.GrantAsync(user, "authentik_stages_account_lockdown.view_accountlockdownstage");
        await (await client.GetAsync($"{Url}{deny.Id}/", Ct)).AssertJsonAsync(404, """{"detail": "No AccountLockdownStage matches the given query."}""");
    }

    [Theory, Providers]
    public async Task UpdateAndPartialUpdateChangeOnlyWhatWasSent(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var user = await app.CreateUserAsync();
        var completion = await app.CreateFlowAsync();
        var stage = await app.CreateStageAsync(new AccountLockdownStage { Name = "one", SelfServiceCompletionFlowId = completion.Id });
        await app.GrantAsync(user, "authentik_stages_account_lockdown.view_accountlockdownstage", stage.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.PatchAsync($"{Url}{stage.Id}/", Json.Content(new { delete_sessions = false }), Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, "authentik_stages_account_lockdown.change_accountlockdownstage", stage.Id.ToString());

        var patched = await client.PatchAsync($"{Url}{stage.Id}/", Json.Content(new { delete_sessions = false }), Ct);
        var afterPatch = await ReloadAsync(app, stage.Id);
        Assert.Equal((new LockdownActions(true, true, false, true), (Guid?)completion.Id), (afterPatch.Actions, afterPatch.SelfServiceCompletionFlowId));
        await patched.AssertJsonAsync(200, StageJson(afterPatch));

        var put = await client.PutAsync($"{Url}{stage.Id}/", Json.Content(new { name = "renamed", self_service_completion_flow = (Guid?)null, revoke_tokens = false }), Ct);
        var afterPut = await ReloadAsync(app, stage.Id);
        Assert.Equal(("renamed", new LockdownActions(true, true, false, false), (Guid?)null), (afterPut.Name, afterPut.Actions, afterPut.SelfServiceCompletionFlowId));
        await put.AssertJsonAsync(200, StageJson(afterPut));
        await (await client.PutAsync($"{Url}{stage.Id}/", Json.Content(new { revoke_tokens = false }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        Assert.Equal(2, (await app.EventsAsync(EventActions.ModelUpdated)).Count);
    }

    [Theory, Providers]
    public async Task DeletingTheCompletionFlowClearsItAndDestroyRemovesTheStage(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var completion = await app.CreateFlowAsync();
        var stage = await app.CreateStageAsync(new AccountLockdownStage { Name = "one", SelfServiceCompletionFlowId = completion.Id });
        var flow = await app.CreateFlowAsync();
        var binding = await app.BindAsync(flow, stage, 3);
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync($"{Url}{stage.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_flows", "model_name": "flow", "pk": "{{flow.Id}}", "name": "Flow {{flow.Name}} ({{flow.Slug}})", "action": "cascade_many"},
             {"app": "authentik_flows", "model_name": "flowstagebinding", "pk": "{{binding.Id}}", "name": "Flow-stage binding #3 to {{flow.Id}}", "action": "cascade"}]
            """);
        await app.WithDbAsync(async db =>
        {
            db.Remove(await db.Set<Flow>().SingleAsync(f => f.Id == completion.Id, Ct));
            await db.SaveChangesAsync(Ct);
        });
        Assert.Null((await ReloadAsync(app, stage.Id)).SelfServiceCompletionFlowId);

        Assert.Equal(204, (int)(await client.DeleteAsync($"{Url}{stage.Id}/", Ct)).StatusCode);
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Set<Stage>().AnyAsync(s => s.Id == stage.Id, Ct));
            Assert.False(await db.Set<FlowStageBinding>().AnyAsync(b => b.Id == binding.Id, Ct));
        });
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelDeleted)), admin,
            "authentik_stages_account_lockdown", "accountlockdownstage", stage.Id.ToString("N"), "one");
    }
}
