using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Events;
using Warden.Flows;
using Warden.Policies;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;
using static Warden.Tests.Flows.FlowFixtures;

namespace Warden.Tests.Flows;

public sealed class FlowsApiTests
{
    private const string Url = "/api/v3/flows/instances/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";
    private const string NoFlow = """{"detail": "No Flow matches the given query."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Ids(IEnumerable<Guid> ids) => "[" + string.Join(", ", ids.Select(i => $"\"{i}\"")) + "]";

    public static string FlowJson(Flow f, IEnumerable<Guid>? stages = null, IEnumerable<Guid>? policies = null) => $$"""
        {"pk": "{{f.Id}}", "policybindingmodel_ptr_id": "{{f.Id}}", "name": "{{f.Name}}", "slug": "{{f.Slug}}", "title": "{{f.Title}}",
         "designation": "{{f.Designation}}", "background": "{{f.Background}}", "background_url": "{{(f.Background.Length > 0 ? f.Background : FlowExecutor.DefaultBackground)}}",
         "background_themed_urls": null, "stages": {{Ids(stages ?? [])}}, "policies": {{Ids(policies ?? [])}}, "cache_count": 0,
         "policy_engine_mode": "{{f.PolicyEngineMode}}", "compatibility_mode": {{(f.CompatibilityMode ? "true" : "false")}},
         "export_url": "/api/v3/flows/instances/{{f.Slug}}/export/", "layout": "{{f.Layout}}", "denied_action": "{{f.DeniedAction}}",
         "authentication": "{{f.Authentication}}"}
        """;

    private static string Page(int count, string results) => $$"""
        {"pagination": {"next": 0, "previous": 0, "count": {{count}}, "current": 1, "total_pages": 1, "start_index": {{(count == 0 ? 0 : 1)}}, "end_index": {{count}}},
         "results": [{{results}}], "autocomplete": {} }
        """;

    [Theory, Providers]
    public async Task ListShowsFlowsBySlugWithTheirStagesAndPolicies(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var second = await CreateFlowAsync(app, "b-flow");
        var first = await CreateFlowAsync(app, "a-flow", f => { f.Background = "/static/bg.png"; f.Layout = "sidebar_left"; f.CompatibilityMode = true; });
        var binding = await BindAsync(app, first, "ok", 10);
        var policy = await CreatePendingUserPolicyAsync(app);
        await BindPolicyAsync(app, b => b.TargetFlowId = first.Id, policy: policy);
        await BindPolicyAsync(app, b => b.TargetFlowId = first.Id, user: admin.Id);

        var response = await (await app.AsTokenAsync(admin)).GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, Page(2, FlowJson(first, [binding.StageId], [policy.Id]) + "," + FlowJson(second)));
    }

    [Theory, Providers]
    public async Task ListFiltersAndSearches(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var login = await CreateFlowAsync(app, "login-x", f => f.Title = "Welcome in");
        var logout = await CreateFlowAsync(app, "logout-x", f => { f.Designation = "invalidation"; f.DeniedAction = "continue"; });
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync(Url + "?designation=invalidation", Ct)).AssertJsonAsync(200, Page(1, FlowJson(logout)));
        await (await client.GetAsync(Url + "?denied_action=continue", Ct)).AssertJsonAsync(200, Page(1, FlowJson(logout)));
        await (await client.GetAsync(Url + "?slug=login-x", Ct)).AssertJsonAsync(200, Page(1, FlowJson(login)));
        await (await client.GetAsync(Url + "?search=welcome", Ct)).AssertJsonAsync(200, Page(1, FlowJson(login)));
        await (await client.GetAsync(Url + "?ordering=-slug", Ct)).AssertJsonAsync(200, Page(2, FlowJson(logout) + "," + FlowJson(login)));
        await (await client.GetAsync(Url + "?designation=nonsense", Ct)).AssertJsonAsync(400,
            """{"designation": ["Select a valid choice. nonsense is not one of the available choices."]}""");
        await (await client.GetAsync(Url + "?flow_uuid=not-a-uuid", Ct)).AssertJsonAsync(400, """{"flow_uuid": ["Enter a valid UUID."]}""");
    }

    [Theory, Providers]
    public async Task ListNeedsViewPermissionAndShowsOnlyWhatTheCallerMayView(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var visible = await CreateFlowAsync(app, "visible");
        await CreateFlowAsync(app, "hidden");
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);
        await app.GrantAsync(user, FlowsApi.ViewPermission, visible.Id.ToString());
        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(200, Page(1, FlowJson(visible)));
        await (await client.GetAsync(Url + "hidden/", Ct)).AssertJsonAsync(404, NoFlow);
    }

    [Theory, Providers]
    public async Task CreateSavesTheFlowWithDefaultsAndRecordsTheEvent(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, FlowsApi.AddPermission);
        await app.GrantAsync(user, FlowsApi.ViewPermission);

        var response = await (await app.AsTokenAsync(user)).PostAsync(Url,
            Json.Content(new { name = "Login", slug = "my-login", title = "Sign in", designation = "authentication" }), Ct);

        var flow = await app.WithDbAsync(db => db.Set<Flow>().AsNoTracking().SingleAsync(f => f.Slug == "my-login"));
        await response.AssertJsonAsync(201, FlowJson(flow));
        Assert.Equal(("Login", "Sign in", "authentication", "", "any", "stacked", "message_continue", "none"),
            (flow.Name, flow.Title, flow.Designation, flow.Background, flow.PolicyEngineMode, flow.Layout, flow.DeniedAction, flow.Authentication));
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelCreated));
        RbacFixtures.AssertModelEvent(recorded, user, "authentik_flows", "flow", flow.Id.ToString("N"), "Flow Login (my-login)");
    }

    [Theory, Providers]
    public async Task CreateRefusesInvalidFieldsAndChangesNothing(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        await CreateFlowAsync(app, "taken");
        var client = await app.AsTokenAsync(admin);

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """
            {"name": ["This field is required."], "slug": ["This field is required."], "title": ["This field is required."],
             "designation": ["This field is required."]}
            """);
        await (await client.PostAsync(Url, Json.Content(new { name = "n", slug = "not a slug", title = "t", designation = "login", layout = "wide" }), Ct))
            .AssertJsonAsync(400, """
            {"slug": ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."],
             "designation": ["\"login\" is not a valid choice."], "layout": ["\"wide\" is not a valid choice."]}
            """);
        await (await client.PostAsync(Url, Json.Content(new { name = "n", slug = "taken", title = "t", designation = "recovery" }), Ct))
            .AssertJsonAsync(400, """{"slug": ["Flow with this slug already exists."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "n", slug = new string('s', 51), title = "t", designation = "recovery" }), Ct))
            .AssertJsonAsync(400, """{"slug": ["Ensure this field has no more than 50 characters."]}""");
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Flow>().CountAsync()));
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
    }

    [Theory, Providers]
    public async Task CreateNeedsTheAddPermission(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, FlowsApi.ViewPermission);

        var response = await (await app.AsTokenAsync(user)).PostAsync(Url,
            Json.Content(new { name = "n", slug = "s", title = "t", designation = "recovery" }), Ct);

        await response.AssertJsonAsync(403, Forbidden);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<Flow>().CountAsync()));
    }

    [Theory, Providers]
    public async Task RetrieveFindsAFlowBySlug(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, "by-slug", f => f.Background = "/media/%(theme)s.png");
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync(Url + "by-slug/", Ct);

        var expected = JsonNode.Parse(FlowJson(flow))!.AsObject();
        expected["background_themed_urls"] = new JsonObject { ["light"] = "/media/light.png", ["dark"] = "/media/dark.png" };
        await response.AssertJsonAsync(200, expected.ToJsonString());
        await (await client.GetAsync(Url + "no-such/", Ct)).AssertJsonAsync(404, NoFlow);
    }

    [Theory, Providers]
    public async Task PartialUpdateChangesOnlyTheGivenFieldsAndPutNeedsAll(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, "editable");
        await app.GrantAsync(user, FlowsApi.ViewPermission, flow.Id.ToString());
        await app.GrantAsync(user, FlowsApi.ChangePermission, flow.Id.ToString());
        var client = await app.AsTokenAsync(user);

        var patched = await client.PatchAsync(Url + "editable/", Json.Content(new { title = "New title", authentication = "require_superuser" }), Ct);

        flow.Title = "New title";
        flow.Authentication = "require_superuser";
        await patched.AssertJsonAsync(200, FlowJson(flow));
        var stored = await app.WithDbAsync(db => db.Set<Flow>().AsNoTracking().SingleAsync(f => f.Id == flow.Id));
        Assert.Equal(("New title", "require_superuser", flow.Name), (stored.Title, stored.Authentication, stored.Name));
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelUpdated));
        RbacFixtures.AssertModelEvent(recorded, user, "authentik_flows", "flow", flow.Id.ToString("N"), $"Flow {flow.Name} (editable)");
        await (await client.PutAsync(Url + "editable/", Json.Content(new { title = "x" }), Ct)).AssertJsonAsync(400, """
            {"name": ["This field is required."], "slug": ["This field is required."], "designation": ["This field is required."]}
            """);
    }

    [Theory, Providers]
    public async Task UpdateNeedsTheChangePermission(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, "locked");
        await app.GrantAsync(user, FlowsApi.ViewPermission);

        var response = await (await app.AsTokenAsync(user)).PatchAsync(Url + "locked/", Json.Content(new { title = "mine" }), Ct);

        await response.AssertJsonAsync(403, Forbidden);
        Assert.Equal(flow.Title, (await app.WithDbAsync(db => db.Set<Flow>().AsNoTracking().SingleAsync(f => f.Id == flow.Id))).Title);
    }

    [Theory, Providers]
    public async Task DestroyDeletesTheFlowAndItsBindingsAndClearsBrands(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, "doomed");
        var binding = await BindAsync(app, flow, "ok", 10);
        await app.WithDbAsync(async db =>
        {
            var brand = await db.Brands.SingleAsync(b => b.Default);
            brand.FlowAuthenticationId = flow.Id;
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(admin);

        var response = await client.DeleteAsync(Url + "doomed/", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<Flow>().AnyAsync(f => f.Id == flow.Id)));
        Assert.False(await app.WithDbAsync(db => db.Set<FlowStageBinding>().AnyAsync(b => b.Id == binding.Id)));
        Assert.Null((await app.WithDbAsync(db => db.Brands.AsNoTracking().SingleAsync(b => b.Default))).FlowAuthenticationId);
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelDeleted));
        RbacFixtures.AssertModelEvent(recorded, admin, "authentik_flows", "flow", flow.Id.ToString("N"), $"Flow {flow.Name} (doomed)");
        await (await client.DeleteAsync(Url + "doomed/", Ct)).AssertJsonAsync(404, NoFlow);
    }

    [Theory, Providers]
    public async Task UsedByListsTheBindingsAndBrands(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, "used");
        var binding = await BindAsync(app, flow, "ok", 10);
        var brand = await app.WithDbAsync(async db =>
        {
            var b = await db.Brands.SingleAsync(x => x.Default);
            b.FlowInvalidationId = flow.Id;
            await db.SaveChangesAsync();
            return b;
        });
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync(Url + "used/used_by/", Ct);

        await response.AssertJsonAsync(200, $$"""
            [{"app": "authentik_flows", "model_name": "flowstagebinding", "pk": "{{binding.Id}}", "name": "Flow-stage binding #10 to {{flow.Id}}", "action": "cascade"},
             {"app": "authentik_brands", "model_name": "brand", "pk": "{{brand.Id}}", "name": "Default brand", "action": "set_null"}]
            """);
        await (await client.GetAsync(Url + "nothing/used_by/", Ct)).AssertJsonAsync(404, NoFlow);
    }
}
