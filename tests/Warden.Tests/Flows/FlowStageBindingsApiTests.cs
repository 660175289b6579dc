using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Events;
using Warden.Flows;
using Warden.Policies;
using Warden.Stages.Deny;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;
using static Warden.Tests.Flows.FlowFixtures;

namespace Warden.Tests.Flows;

public sealed class FlowStageBindingsApiTests
{
    private const string Url = "/api/v3/flows/bindings/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NoBinding = """{"detail": "No FlowStageBinding matches the given query."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string FlowSetJson(Flow f) => $$"""
        {"pk": "{{f.Id}}", "policybindingmodel_ptr_id": "{{f.Id}}", "name": "{{f.Name}}", "slug": "{{f.Slug}}", "title": "{{f.Title}}",
         "designation": "{{f.Designation}}", "background_url": "{{FlowExecutor.DefaultBackground}}", "export_url": "/api/v3/flows/instances/{{f.Slug}}/export/",
         "policy_engine_mode": "{{f.PolicyEngineMode}}", "compatibility_mode": false, "layout": "{{f.Layout}}", "denied_action": "{{f.DeniedAction}}"}
        """;

    public static string StageJson(Guid pk, string name, params Flow[] flows) => $$"""
        {"pk": "{{pk}}", "name": "{{name}}", "component": "ak-stage-deny-form", "verbose_name": "Deny Stage", "verbose_name_plural": "Deny Stages",
         "meta_model_name": "authentik_stages_deny.denystage", "flow_set": [{{string.Join(",", flows.Select(FlowSetJson))}}]}
        """;

    private static string BindingJson(FlowStageBinding b, string stageJson) => $$"""
        {"pk": "{{b.Id}}", "policybindingmodel_ptr_id": "{{b.Id}}", "target": "{{b.TargetId}}", "stage": "{{b.StageId}}", "stage_obj": {{stageJson}},
         "evaluate_on_plan": {{(b.EvaluateOnPlan ? "true" : "false")}}, "re_evaluate_policies": {{(b.ReEvaluatePolicies ? "true" : "false")}},
         "order": {{b.Order}}, "policy_engine_mode": "{{b.PolicyEngineMode}}", "invalid_response_action": "{{b.InvalidResponseAction}}"}
        """;

    private static Task<DenyStage> StageAsync(TestApp app, string name) =>
        app.WithDbAsync(async db =>
        {
            var stage = new DenyStage { Name = name };
            db.Add(stage);
            await db.SaveChangesAsync();
            return stage;
        });

    private static Task<FlowStageBinding> LoadAsync(TestApp app, Guid id) =>
        app.WithDbAsync(db => db.Set<FlowStageBinding>().AsNoTracking().SingleAsync(b => b.Id == id));

    [Theory, Providers]
    public async Task ListShowsBindingsInOrderWithTheirStage(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, "listed");
        var second = await BindAsync(app, flow, "ok", 20);
        var first = await BindAsync(app, flow, "deny", 10, configure: b => b.InvalidResponseAction = "restart");
        var firstStage = await app.WithDbAsync(db => db.Set<Stage>().AsNoTracking().SingleAsync(s => s.Id == first.StageId));
        var secondStage = await app.WithDbAsync(db => db.Set<Stage>().AsNoTracking().SingleAsync(s => s.Id == second.StageId));
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync(Url + "?target=" + flow.Id, Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [{{BindingJson(first, StageJson(firstStage.Id, firstStage.Name, flow))}}, {{BindingJson(second, StageJson(secondStage.Id, secondStage.Name, flow))}}],
             "autocomplete": {} }
            """);
        var filtered = await client.GetAsync(Url + "?invalid_response_action=restart", Ct);
        Assert.Equal(first.Id.ToString(), (await filtered.BodyAsync())["results"]![0]!["pk"]!.GetValue<string>());
        await (await client.GetAsync(Url + "?invalid_response_action=maybe", Ct)).AssertJsonAsync(400,
            """{"invalid_response_action": ["Select a valid choice. maybe is not one of the available choices."]}""");
    }

    [Theory, Providers]
    public async Task ListFiltersByPolicy(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app);
        var guarded = await BindAsync(app, flow, "ok", 10);
        await BindAsync(app, flow, "ok", 20);
        var policy = await CreatePendingUserPolicyAsync(app);
        await BindPolicyAsync(app, b => b.TargetBindingId = guarded.Id, policy: policy);
        var client = await app.AsTokenAsync(admin);

        var body = await (await client.GetAsync(Url + "?policies=" + policy.Id, Ct)).BodyAsync();

        Assert.Equal([guarded.Id.ToString()], body["results"]!.AsArray().Select(r => r!["pk"]!.GetValue<string>()));
        await (await client.GetAsync(Url + "?policies=nope", Ct)).AssertJsonAsync(400, """{"policies": ["Enter a valid UUID."]}""");
    }

    [Theory, Providers]
    public async Task CreateBindsAStageAndRecordsTheEvent(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, FlowStageBindingsApi.AddPermission);
        var flow = await CreateFlowAsync(app, "target");
        var stage = await StageAsync(app, "the-stage");

        var response = await (await app.AsTokenAsync(user)).PostAsync(Url, Json.Content(new { target = flow.Id, stage = stage.Id, order = 5 }), Ct);

        var binding = await app.WithDbAsync(db => db.Set<FlowStageBinding>().AsNoTracking().SingleAsync());
        Assert.Equal((flow.Id, stage.Id, 5, false, true, "any", "retry"),
            (binding.TargetId, binding.StageId, binding.Order, binding.EvaluateOnPlan, binding.ReEvaluatePolicies, binding.PolicyEngineMode, binding.InvalidResponseAction));
        await response.AssertJsonAsync(201, BindingJson(binding, StageJson(stage.Id, "the-stage", flow)));
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelCreated));
        RbacFixtures.AssertModelEvent(recorded, user, "authentik_flows", "flowstagebinding", binding.Id.ToString("N"), $"Flow-stage binding #5 to {flow.Id}");
    }

    [Theory, Providers]
    public async Task CreateRefusesUnknownTargetsAndStagesAndDuplicates(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app);
        var existing = await BindAsync(app, flow, "ok", 10);
        var client = await app.AsTokenAsync(admin);
        var missing = Guid.NewGuid();

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400,
            """{"target": ["This field is required."], "stage": ["This field is required."], "order": ["This field is required."]}""");
        await (await client.PostAsync(Url, Json.Content(new { target = missing, stage = missing, order = 1 }), Ct)).AssertJsonAsync(400,
            $$"""{"target": ["Invalid pk \"{{missing}}\" - object does not exist."], "stage": ["Invalid pk \"{{missing}}\" - object does not exist."]}""");
        await (await client.PostAsync(Url, Json.Content(new { target = flow.Id, stage = existing.StageId, order = 10 }), Ct)).AssertJsonAsync(400,
            """{"non_field_errors": ["The fields target, stage, order must make a unique set."]}""");
        await (await client.PostAsync(Url, Json.Content(new { target = flow.Id, stage = existing.StageId, order = 1, invalid_response_action = "ignore" }), Ct))
            .AssertJsonAsync(400, """{"invalid_response_action": ["\"ignore\" is not a valid choice."]}""");
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<FlowStageBinding>().CountAsync()));
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
    }

    [Theory, Providers]
    public async Task CreateNeedsTheAddPermission(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        var stage = await StageAsync(app, "s");

        var response = await (await app.AsTokenAsync(user)).PostAsync(Url, Json.Content(new { target = flow.Id, stage = stage.Id, order = 1 }), Ct);

        await response.AssertJsonAsync(403, Forbidden);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<FlowStageBinding>().CountAsync()));
    }

    [Theory, Providers]
    public async Task PartialUpdateChangesTheBindingAndNeedsTheChangePermission(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        var binding = await BindAsync(app, flow, "ok", 10);
        await app.GrantAsync(user, FlowStageBindingsApi.ViewPermission);
        var client = await app.AsTokenAsync(user);

        await (await client.PatchAsync(Url + binding.Id + "/", Json.Content(new { order = 99 }), Ct)).AssertJsonAsync(403, Forbidden);
        Assert.Equal(10, (await LoadAsync(app, binding.Id)).Order);
        await app.GrantAsync(user, FlowStageBindingsApi.ChangePermission, binding.Id.ToString());
        var response = await client.PatchAsync(Url + binding.Id + "/", Json.Content(new { order = 99, evaluate_on_plan = true }), Ct);

        var stored = await LoadAsync(app, binding.Id);
        Assert.Equal((99, true), (stored.Order, stored.EvaluateOnPlan));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(99, (await response.BodyAsync())["order"]!.GetValue<int>());
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelUpdated));
        RbacFixtures.AssertModelEvent(recorded, user, "authentik_flows", "flowstagebinding", binding.Id.ToString("N"), $"Flow-stage binding #99 to {flow.Id}");
    }

    [Theory, Providers]
    public async Task DestroyDeletesTheBindingAndItsPolicyBindings(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app);
        var binding = await BindAsync(app, flow, "ok", 10);
        var policyBinding = await BindPolicyAsync(app, b => b.TargetBindingId = binding.Id, user: admin.Id, order: 3);
        var client = await app.AsTokenAsync(admin);

        var usedBy = await client.GetAsync(Url + binding.Id + "/used_by/", Ct);
        await usedBy.AssertJsonAsync(200, $$"""
            [{"app": "authentik_policies", "model_name": "policybinding", "pk": "{{policyBinding.Id}}",
              "name": "Binding from Flow-stage binding #10 to {{flow.Id}} #3 to User {{admin.Username}}", "action": "cascade"}]
            """);
        var response = await client.DeleteAsync(Url + binding.Id + "/", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<FlowStageBinding>().AnyAsync(b => b.Id == binding.Id)));
        Assert.False(await app.WithDbAsync(db => db.Set<PolicyBinding>().AnyAsync(b => b.Id == policyBinding.Id)));
        Assert.True(await app.WithDbAsync(db => db.Set<Stage>().AnyAsync(s => s.Id == binding.StageId)));
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelDeleted));
        RbacFixtures.AssertModelEvent(recorded, admin, "authentik_flows", "flowstagebinding", binding.Id.ToString("N"), $"Flow-stage binding #10 to {flow.Id}");
        await (await client.GetAsync(Url + binding.Id + "/", Ct)).AssertJsonAsync(404, NoBinding);
        await (await client.GetAsync(Url + "not-a-uuid/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
    }
}
