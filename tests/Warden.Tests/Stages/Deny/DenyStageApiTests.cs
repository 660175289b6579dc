using Microsoft.EntityFrameworkCore;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Deny;
using Warden.Stages.UserLogout;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Stages.Deny;

/// <summary>/api/v3/stages/deny/, and through it the shared typed-stage viewset (StageApi) every stage type uses.</summary>
public sealed class DenyStageApiTests
{
    private const string Url = "/api/v3/stages/deny/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";
    private const string NoStage = """{"detail": "No DenyStage matches the given query."}""";
    private const string NotFound = """{"detail": "Not found."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string StageJson(DenyStage stage, string flowSet = "") => $$"""
        {"pk": "{{stage.Id}}", "name": "{{stage.Name}}", "component": "ak-stage-deny-form",
         "verbose_name": "Deny Stage", "verbose_name_plural": "Deny Stages",
         "meta_model_name": "authentik_stages_deny.denystage", "flow_set": [{{flowSet}}],
         "deny_message": "{{stage.DenyMessage}}"}
        """;

    private static string Page(int count, string results) => $$"""
        {"pagination": {"next": 0, "previous": 0, "count": {{count}}, "current": 1, "total_pages": 1, "start_index": {{(count == 0 ? 0 : 1)}}, "end_index": {{count}} },
         "results": [{{results}}], "autocomplete": {} }
        """;

    [Theory, Providers]
    public async Task ListShowsDenyStagesByNameWithTheFlowsTheyAreBoundTo(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var beta = await app.CreateStageAsync(new DenyStage { Name = "beta", DenyMessage = "go away" });
        var alpha = await app.CreateStageAsync(new DenyStage { Name = "alpha" });
        await app.CreateStageAsync(new UserLogoutStage { Name = "another type" });
        var flow = await app.CreateFlowAsync();
        await app.BindAsync(flow, beta, 10);

        var response = await (await app.AsTokenAsync(admin)).GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, Page(2, StageJson(alpha) + "," + StageJson(beta, StageFixtures.FlowSetJson(flow))));
    }

    [Theory, Providers]
    public async Task ListFiltersSearchesAndOrders(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var one = await app.CreateStageAsync(new DenyStage { Name = "deny one", DenyMessage = "m1" });
        var two = await app.CreateStageAsync(new DenyStage { Name = "deny two", DenyMessage = "m2" });
        await app.CreateStageAsync(new DenyStage { Name = "other" });
        var client = await app.AsTokenAsync(admin);

        async Task<string[]> NamesAsync(string query)
        {
            var body = await (await client.GetAsync(Url + query, Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray();
        }

        Assert.Equal(["deny two"], await NamesAsync("?deny_message=m2"));
        Assert.Equal(["deny one"], await NamesAsync("?name=deny%20one"));
        Assert.Equal(["deny one"], await NamesAsync($"?stage_uuid={one.Id}"));
        Assert.Equal(["deny one", "deny two"], await NamesAsync("?search=DENY"));
        Assert.Equal(["other", "deny two", "deny one"], await NamesAsync("?ordering=-name"));
        Assert.Equal(["deny one", "deny two", "other"], await NamesAsync("?ordering=unknown"));
        Assert.Equal(["deny two", "deny one", "other"], await NamesAsync("?ordering=-deny_message"));
        Assert.Equal(["deny one"], await NamesAsync("?page_size=1"));
        Assert.Equal(["deny two"], await NamesAsync("?page_size=1&page=2"));
        Assert.Empty(await NamesAsync($"?stage_uuid={two.Id}&name=other"));
        await (await client.GetAsync(Url + "?stage_uuid=nope", Ct)).AssertJsonAsync(400, """{"stage_uuid": ["Enter a valid UUID."]}""");
        await (await client.GetAsync(Url + "?page=9", Ct)).AssertJsonAsync(404, """{"detail": "Invalid page."}""");
    }

    [Theory, Providers]
    public async Task ListShowsOnlyViewableStagesAndRefusesCallersWhoSeeNone(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var visible = await app.CreateStageAsync(new DenyStage { Name = "visible" });
        await app.CreateStageAsync(new DenyStage { Name = "hidden" });
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);

        await app.GrantAsync(user, "authentik_stages_deny.view_denystage", visible.Id.ToString());
        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(200, Page(1, StageJson(visible)));
    }

    [Theory, Providers]
    public async Task CreateReturnsTheStageAndRecordsTheEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, "authentik_stages_deny.add_denystage");
        var client = await app.AsTokenAsync(user);

        var response = await client.PostAsync(Url, Json.Content(new { name = " no entry ", deny_message = "Not today." }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<DenyStage>().SingleAsync());
        Assert.Equal(("no entry", "Not today."), (stage.Name, stage.DenyMessage));
        await response.AssertJsonAsync(201, StageJson(stage));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelCreated)), user,
            "authentik_stages_deny", "denystage", stage.Id.ToString("N"), "no entry");
    }

    [Theory, Providers]
    public async Task CreateWithoutAMessageStoresAnEmptyOne(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));

        var response = await client.PostAsync(Url, Json.Content(new { name = "plain", deny_message = "" }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<DenyStage>().SingleAsync());
        Assert.Equal("", stage.DenyMessage);
        await response.AssertJsonAsync(201, StageJson(stage));
    }

    [Theory, Providers]
    public async Task CreateRejectsInvalidBodiesAndCallersWithoutPermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var user = await app.CreateUserAsync();
        var client = await app.AsTokenAsync(admin);

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "" }), Ct)).AssertJsonAsync(400, """{"name": ["This field may not be blank."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = (string?)null }), Ct)).AssertJsonAsync(400, """{"name": ["This field may not be null."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "x", deny_message = new[] { 1 } }), Ct)).AssertJsonAsync(400, """{"deny_message": ["Not a valid string."]}""");
        await (await client.PostAsync(Url, Json.Raw("[]"), Ct)).AssertJsonAsync(400, """{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}""");
        await (await (await app.AsTokenAsync(user)).PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, NotAuthenticated);

        Assert.Equal(0, await app.StageCountAsync());
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
    }

    [Theory, Providers]
    public async Task StageNamesAreUniqueAcrossAllStageTypes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        await app.CreateStageAsync(new UserLogoutStage { Name = "taken" });
        var mine = await app.CreateStageAsync(new DenyStage { Name = "mine" });

        await (await client.PostAsync(Url, Json.Content(new { name = "taken" }), Ct))
            .AssertJsonAsync(400, """{"name": ["stage with this name already exists."]}""");
        // Every field error at once, the unique name among them.
        await (await client.PostAsync(Url, Json.Content(new { name = "taken", deny_message = new[] { 1 } }), Ct))
            .AssertJsonAsync(400, """{"name": ["stage with this name already exists."], "deny_message": ["Not a valid string."]}""");
        await (await client.PatchAsync($"{Url}{mine.Id}/", Json.Content(new { name = "taken" }), Ct))
            .AssertJsonAsync(400, """{"name": ["stage with this name already exists."]}""");
        await (await client.PutAsync($"{Url}{mine.Id}/", Json.Content(new { name = "taken" }), Ct))
            .AssertJsonAsync(400, """{"name": ["stage with this name already exists."]}""");
        // Keeping its own name is no conflict.
        await (await client.PutAsync($"{Url}{mine.Id}/", Json.Content(new { name = "mine" }), Ct)).AssertJsonAsync(200, StageJson(mine));

        Assert.Equal(["mine", "taken"], await app.WithDbAsync(db => db.Set<Stage>().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync()));
    }

    [Theory, Providers]
    public async Task RetrieveAnswersTheStageOr404(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var user = await app.CreateUserAsync();
        var stage = await app.CreateStageAsync(new DenyStage { Name = "one", DenyMessage = "no" });
        var other = await app.CreateStageAsync(new DenyStage { Name = "two" });
        var logout = await app.CreateStageAsync(new UserLogoutStage { Name = "logout" });
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(200, StageJson(stage));
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, NoStage);
        // A stage of another type is not a deny stage.
        await (await client.GetAsync($"{Url}{logout.Id}/", Ct)).AssertJsonAsync(404, NoStage);
        await (await client.GetAsync($"{Url}not-a-uuid/", Ct)).AssertJsonAsync(404, NotFound);

        var limited = await app.AsTokenAsync(user);
        await (await limited.GetAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, "authentik_stages_deny.view_denystage", stage.Id.ToString());
        await (await limited.GetAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(200, StageJson(stage));
        await (await limited.GetAsync($"{Url}{other.Id}/", Ct)).AssertJsonAsync(404, NoStage);
        await (await app.Anonymous().GetAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UpdateAndPartialUpdateChangeOnlyWhatWasSentAndRecordTheEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var stage = await app.CreateStageAsync(new DenyStage { Name = "before", DenyMessage = "kept" });
        await app.GrantAsync(user, "authentik_stages_deny.view_denystage", stage.Id.ToString());
        await app.GrantAsync(user, "authentik_stages_deny.change_denystage", stage.Id.ToString());
        var client = await app.AsTokenAsync(user);

        var put = await client.PutAsync($"{Url}{stage.Id}/", Json.Content(new { name = "after" }), Ct);
        stage.Name = "after";
        await put.AssertJsonAsync(200, StageJson(stage));

        var patch = await client.PatchAsync($"{Url}{stage.Id}/", Json.Content(new { deny_message = "changed" }), Ct);
        stage.DenyMessage = "changed";
        await patch.AssertJsonAsync(200, StageJson(stage));

        var stored = await app.WithDbAsync(db => db.Set<DenyStage>().SingleAsync());
        Assert.Equal(("after", "changed"), (stored.Name, stored.DenyMessage));
        var events = await app.EventsAsync(EventActions.ModelUpdated);
        Assert.Equal(2, events.Count);
        RbacFixtures.AssertModelEvent(events[1], user, "authentik_stages_deny", "denystage", stage.Id.ToString("N"), "after");
    }

    [Theory, Providers]
    public async Task UpdateRefusesCallersWithoutChangePermissionAndInvalidBodies(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var stage = await app.CreateStageAsync(new DenyStage { Name = "locked", DenyMessage = "m" });
        await app.GrantAsync(user, "authentik_stages_deny.view_denystage");
        var client = await app.AsTokenAsync(user);

        await (await client.PatchAsync($"{Url}{stage.Id}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await client.PutAsync($"{Url}{stage.Id}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await client.PutAsync($"{Url}{Guid.NewGuid()}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(404, NoStage);
        await (await app.Anonymous().PatchAsync($"{Url}{stage.Id}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, NotAuthenticated);

        var admin = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        await (await admin.PutAsync($"{Url}{stage.Id}/", Json.Content(new { deny_message = "m2" }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await admin.PatchAsync($"{Url}{stage.Id}/", Json.Content(new { name = " " }), Ct)).AssertJsonAsync(400, """{"name": ["This field may not be blank."]}""");

        var stored = await app.WithDbAsync(db => db.Set<DenyStage>().SingleAsync());
        Assert.Equal(("locked", "m"), (stored.Name, stored.DenyMessage));
        Assert.Empty(await app.EventsAsync(EventActions.ModelUpdated));
    }

    [Theory, Providers]
    public async Task DestroyDeletesTheStageAndItsBindingsAndRecordsTheEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var stage = await app.CreateStageAsync(new DenyStage { Name = "doomed" });
        var kept = await app.CreateStageAsync(new DenyStage { Name = "kept" });
        var flow = await app.CreateFlowAsync();
        await app.BindAsync(flow, stage, 0);
        await app.BindAsync(flow, kept, 1);
        var client = await app.AsTokenAsync(user);

        await (await client.DeleteAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, "authentik_stages_deny.view_denystage");
        await (await client.DeleteAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, "authentik_stages_deny.delete_denystage", stage.Id.ToString());

        var response = await client.DeleteAsync($"{Url}{stage.Id}/", Ct);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["kept"], await app.WithDbAsync(db => db.Set<Stage>().Select(s => s.Name).ToListAsync()));
        Assert.Equal([kept.Id], await app.WithDbAsync(db => db.Set<FlowStageBinding>().Select(b => b.StageId).ToListAsync()));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelDeleted)), user,
            "authentik_stages_deny", "denystage", stage.Id.ToString("N"), "doomed");
        await (await client.DeleteAsync($"{Url}{stage.Id}/", Ct)).AssertJsonAsync(404, NoStage);
        await (await app.Anonymous().DeleteAsync($"{Url}{kept.Id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UsedByListsTheFlowsAndBindingsTheCallerMayView(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var stage = await app.CreateStageAsync(new DenyStage { Name = "used" });
        var flow = await app.CreateFlowAsync("used-flow");
        var binding = await app.BindAsync(flow, stage, 5);
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync($"{Url}{stage.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_flows", "model_name": "flow", "pk": "{{flow.Id}}", "name": "Flow Flow used-flow (used-flow)", "action": "cascade_many"},
             {"app": "authentik_flows", "model_name": "flowstagebinding", "pk": "{{binding.Id}}", "name": "Flow-stage binding #5 to {{flow.Id}}", "action": "cascade"}]
            """);
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/used_by/", Ct)).AssertJsonAsync(404, NoStage);
        await (await client.GetAsync($"{Url}nope/used_by/", Ct)).AssertJsonAsync(404, NotFound);
        // Without view permissions on flows and bindings, nothing is listed.
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync($"{Url}{stage.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await app.Anonymous().GetAsync($"{Url}{stage.Id}/used_by/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }
}
