using Microsoft.EntityFrameworkCore;
using Warden.Flows;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Stages;

/// <summary>Builds flows, stages and bindings straight in the database.</summary>
public static class StageFixtures
{
    public static Task<Flow> CreateFlowAsync(this TestApp app, string? slug = null, string designation = "authentication",
        string authentication = "none") =>
        app.WithDbAsync(async db =>
        {
            slug ??= "flow-" + Guid.NewGuid().ToString("N")[..8];
            var flow = new Flow { Name = "Flow " + slug, Slug = slug, Title = "Title " + slug, Designation = designation, Authentication = authentication };
            db.Add(flow);
            await db.SaveChangesAsync();
            return flow;
        });

    public static Task<TStage> CreateStageAsync<TStage>(this TestApp app, TStage stage) where TStage : Stage =>
        app.WithDbAsync(async db =>
        {
            db.Add(stage);
            await db.SaveChangesAsync();
            return stage;
        });

    public static Task<FlowStageBinding> BindAsync(this TestApp app, Flow flow, Stage stage, int order) =>
        app.WithDbAsync(async db =>
        {
            var binding = new FlowStageBinding { TargetId = flow.Id, StageId = stage.Id, Order = order };
            db.Add(binding);
            await db.SaveChangesAsync();
            return binding;
        });

    /// <summary>authentik's FlowSet of a flow, as every stage response lists it.</summary>
    public static string FlowSetJson(Flow flow) => $$"""
        {"pk": "{{flow.Id}}", "policybindingmodel_ptr_id": "{{flow.Id}}", "name": "{{flow.Name}}", "slug": "{{flow.Slug}}",
         "title": "{{flow.Title}}", "designation": "{{flow.Designation}}",
         "background_url": "/static/dist/assets/images/flow_background.jpg", "policy_engine_mode": "any",
         "compatibility_mode": false, "export_url": "/api/v3/flows/instances/{{flow.Slug}}/export/",
         "layout": "stacked", "denied_action": "message_continue"}
        """;

    public static Task<int> StageCountAsync(this TestApp app) => app.WithDbAsync(db => db.Set<Stage>().CountAsync());
}
