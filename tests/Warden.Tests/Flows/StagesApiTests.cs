using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Deny;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;
using static Warden.Tests.Flows.FlowFixtures;
using static Warden.Tests.Flows.FlowStageBindingsApiTests;

namespace Warden.Tests.Flows;

public sealed class StagesApiTests
{
    private const string Url = "/api/v3/stages/all/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NoStage = """{"detail": "No Stage matches the given query."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<DenyStage> StageAsync(TestApp app, string name) =>
        app.WithDbAsync(async db =>
        {
            var stage = new DenyStage { Name = name };
            db.Add(stage);
            await db.SaveChangesAsync();
            return stage;
        });

    [Theory, Providers]
    public async Task ListShowsEveryStageByNameWithItsFlows(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var zeta = await StageAsync(app, "zeta");
        var alpha = await StageAsync(app, "alpha");
        var flowB = await CreateFlowAsync(app, "b-flow");
        var flowA = await CreateFlowAsync(app, "a-flow");
        await app.WithDbAsync(async db =>
        {
            db.AddRange(
                new FlowStageBinding { TargetId = flowB.Id, StageId = alpha.Id, Order = 1 },
                new FlowStageBinding { TargetId = flowA.Id, StageId = alpha.Id, Order = 1 });
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [{{StageJson(alpha.Id, "alpha", flowA, flowB)}}, {{StageJson(zeta.Id, "zeta")}}], "autocomplete": {} }
            """);
        var searched = await (await client.GetAsync(Url + "?search=ZET", Ct)).BodyAsync();
        Assert.Equal(["zeta"], searched["results"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [Theory, Providers]
    public async Task ListAndRetrieveNeedTheViewPermission(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var mine = await StageAsync(app, "mine");
        var other = await StageAsync(app, "other");
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, StagesApi.ViewPermission, mine.Id.ToString());
        await (await client.GetAsync(Url + mine.Id + "/", Ct)).AssertJsonAsync(200, StageJson(mine.Id, "mine"));
        await (await client.GetAsync(Url + other.Id + "/", Ct)).AssertJsonAsync(404, NoStage);
        await (await client.GetAsync(Url + "not-a-uuid/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
    }

    [Theory, Providers]
    public async Task TypesListsEveryRegisteredStageType(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var types = app.Service<StageTypes>().All;

        var response = await (await app.AsTokenAsync(user)).GetAsync(Url + "types/", Ct);

        var body = (await response.BodyAsync()).AsArray();
        Assert.Equal(types.Count, body.Count);
        var deny = Assert.Single(body, t => t!["model_name"]!.GetValue<string>() == "denystage")!;
        await response.AssertJsonAsync(200, "[" + string.Join(",", types.Select(t => $$"""
            {"name": "{{t.VerboseName}}", "description": "{{t.Description}}", "component": "{{t.Component}}", "model_name": "{{t.ModelName}}",
             "requires_enterprise": {{(t.RequiresEnterprise ? "true" : "false")}}, "deprecated": false}
            """)) + "]");
        Assert.Equal("ak-stage-deny-form", deny["component"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task DestroyDeletesTheStageAndItsBindingsAndRecordsTheEvent(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var stage = await StageAsync(app, "doomed");
        var flow = await CreateFlowAsync(app);
        var binding = await app.WithDbAsync(async db =>
        {
            var b = new FlowStageBinding { TargetId = flow.Id, StageId = stage.Id, Order = 7 };
            db.Add(b);
            await db.SaveChangesAsync();
            return b;
        });
        await app.GrantAsync(user, StagesApi.ViewPermission);
        var client = await app.AsTokenAsync(user);

        var usedBy = await client.GetAsync(Url + stage.Id + "/used_by/", Ct);
        await usedBy.AssertJsonAsync(200, $$"""
            [{"app": "authentik_flows", "model_name": "flowstagebinding", "pk": "{{binding.Id}}", "name": "Flow-stage binding #7 to {{flow.Id}}", "action": "cascade"}]
            """);
        await (await client.DeleteAsync(Url + stage.Id + "/", Ct)).AssertJsonAsync(403, Forbidden);
        Assert.True(await app.WithDbAsync(db => db.Set<Stage>().AnyAsync(s => s.Id == stage.Id)));
        await app.GrantAsync(user, StagesApi.DeletePermission, stage.Id.ToString());
        var response = await client.DeleteAsync(Url + stage.Id + "/", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<Stage>().AnyAsync(s => s.Id == stage.Id)));
        Assert.False(await app.WithDbAsync(db => db.Set<DenyStage>().AnyAsync(s => s.Id == stage.Id)));
        Assert.False(await app.WithDbAsync(db => db.Set<FlowStageBinding>().AnyAsync(b => b.Id == binding.Id)));
        var recorded = Assert.Single(await app.EventsAsync(EventActions.ModelDeleted));
        RbacFixtures.AssertModelEvent(recorded, user, "authentik_stages_deny", "denystage", stage.Id.ToString("N"), "Stage doomed");
        await (await client.GetAsync(Url + stage.Id + "/used_by/", Ct)).AssertJsonAsync(404, NoStage);
    }
}
