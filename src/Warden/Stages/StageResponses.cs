using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Stages;

/// <summary>
/// authentik's <c>FlowSet</c> (FlowSetSerializer, "stripped down flow serializer"): one flow a stage is bound to, as
/// every stage response lists it in <c>flow_set</c>. <c>policybindingmodel_ptr_id</c> is the flow's own key.
/// </summary>
[ApiSchema("FlowSet", Description = "Stripped down flow serializer")]
public sealed record FlowSetResponse(
    [property: ApiField(ReadOnly = true)] Guid Pk,
    [property: ApiField(ReadOnly = true)] Guid PolicybindingmodelPtrId,
    string Name,
    [property: ApiField(Pattern = "^[-a-zA-Z0-9_]+$")] string Slug,
    string Title,
    [property: ApiField(Choices = ["authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery", "stage_configuration"], EnumName = "FlowDesignationEnum")] string Designation,
    [property: ApiField(ReadOnly = true)] string BackgroundUrl,
    [property: ApiField(ReadOnly = true)] string ExportUrl,
    [property: ApiField(Choices = ["all", "any"], EnumName = "PolicyEngineMode")] string PolicyEngineMode = "any",
    bool CompatibilityMode = false,
    [property: ApiField(Choices = ["stacked", "content_left", "content_right", "sidebar_left", "sidebar_right", "sidebar_left_frame_background", "sidebar_right_frame_background"], EnumName = "FlowLayoutEnum")] string Layout = "stacked",
    [property: ApiField(Choices = ["message_continue", "message", "continue"], EnumName = "DeniedActionEnum")] string DeniedAction = "message_continue")
{
    /// <summary>authentik's default when a flow has no background of its own.</summary>
    public const string DefaultBackground = "/static/dist/assets/images/flow_background.jpg";

    public static FlowSetResponse From(Flow flow) => new(
        flow.Id, flow.Id, flow.Name, flow.Slug, flow.Title, flow.Designation,
        BackgroundOf(flow), ExportUrlOf(flow),
        flow.PolicyEngineMode, flow.CompatibilityMode, flow.Layout, flow.DeniedAction);

    /// <summary>authentik's <c>Flow.background_url</c>: the flow's own background, else the default image.</summary>
    public static string BackgroundOf(Flow flow) => string.IsNullOrEmpty(flow.Background) ? DefaultBackground : flow.Background;

    /// <summary>authentik's <c>export_url</c>: the flow export action of the flows viewset.</summary>
    public static string ExportUrlOf(Flow flow) => $"/api/v3/flows/instances/{flow.Slug}/export/";
}

/// <summary>
/// The fields every stage response starts with (authentik's StageSerializer): <c>pk</c>, <c>name</c>,
/// <c>component</c>, <c>verbose_name</c>, <c>verbose_name_plural</c>, <c>meta_model_name</c> (from the
/// <see cref="StageTypes"/> registry) and <c>flow_set</c>. A typed stage response is built from these plus its own fields.
/// </summary>
public sealed record StageFields(
    Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName, List<FlowSetResponse> FlowSet);

/// <summary>
/// Shared by the typed stage viewsets (<see cref="StageApi{TStage, TRequest, TResponse}"/>) and <c>/stages/all/</c>:
/// the common response fields, the flows each stage is bound to, and the <c>used_by</c> entries every stage has.
/// </summary>
public static class StageResponses
{
    /// <summary>
    /// The flows each stage is bound to (Django's <c>stage.flow_set</c>: through the bindings, so a flow that binds a
    /// stage twice is listed twice), in binding order; every stage id is in the result, with an empty list if unbound.
    /// </summary>
    public static async Task<Dictionary<Guid, List<FlowSetResponse>>> FlowSetsAsync(
        WardenDbContext db, IReadOnlyCollection<Guid> stageIds, CancellationToken cancellationToken)
    {
        var result = stageIds.Distinct().ToDictionary(id => id, _ => new List<FlowSetResponse>());
        if (result.Count == 0)
        {
            return result;
        }
        var ids = result.Keys.ToList();
        var rows = await db.Set<FlowStageBinding>().AsNoTracking()
            .Where(b => ids.Contains(b.StageId))
            .OrderBy(b => b.Order).ThenBy(b => b.Target.Slug)
            .Select(b => new { b.StageId, b.Target })
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            result[row.StageId].Add(FlowSetResponse.From(row.Target));
        }
        return result;
    }

    /// <summary>The common fields of one stage, with its flow_set from <paramref name="flowSets"/>.</summary>
    public static StageFields Fields(Stage stage, StageType type, IReadOnlyDictionary<Guid, List<FlowSetResponse>> flowSets) =>
        new(stage.Id, stage.Name, type.Component, type.VerboseName, type.VerboseNamePlural, type.MetaModelName,
            flowSets.TryGetValue(stage.Id, out var set) ? set : []);

    /// <summary>Django's <c>str(stage)</c>, as events and used_by name a stage.</summary>
    public static string DisplayName(Stage stage) => $"Stage {stage.Name}";

    /// <summary>Django's <c>str(flow)</c>.</summary>
    public static string DisplayName(Flow flow) => $"Flow {flow.Name} ({flow.Slug})";

    /// <summary>
    /// The used_by entries every stage has, under the related managers' names: <c>flow_set</c> (the flows, through
    /// the bindings: the links go) and <c>flowstagebinding_set</c> (the bindings: deleted with the stage), each
    /// narrowed to what the caller may view.
    /// </summary>
    public static IReadOnlyList<UsedBySource> CommonUsedBy { get; } =
    [
        new("flow_set", async (context, cancellationToken) =>
        {
            var flows = await context.Access.ObjectsForUserAsync(context.User, "authentik_flows.view_flow",
                context.Db.Set<Flow>().AsNoTracking(), (q, pks) => ObjectAccess.ByGuid(q, pks, f => f.Id), cancellationToken);
            var stageId = context.StageId;
            var bound = await context.Db.Set<FlowStageBinding>().AsNoTracking()
                .Where(b => b.StageId == stageId).OrderBy(b => b.Order).Select(b => b.TargetId).ToListAsync(cancellationToken);
            var visible = await flows.Where(f => bound.Contains(f.Id)).ToDictionaryAsync(f => f.Id, cancellationToken);
            return bound.Where(visible.ContainsKey).Select(id => visible[id])
                .Select(f => new UsedByResponse("authentik_flows", "flow", f.Id.ToString(), DisplayName(f), UsedByActions.CascadeMany))
                .ToList();
        }),
        new("flowstagebinding_set", async (context, cancellationToken) =>
        {
            var bindings = await context.Access.ObjectsForUserAsync(context.User, "authentik_flows.view_flowstagebinding",
                context.Db.Set<FlowStageBinding>().AsNoTracking(), (q, pks) => ObjectAccess.ByGuid(q, pks, b => b.Id), cancellationToken);
            var stageId = context.StageId;
            var rows = await bindings.Where(b => b.StageId == stageId)
                .OrderBy(b => b.TargetId).ThenBy(b => b.Order).ToListAsync(cancellationToken);
            return rows.Select(b => new UsedByResponse("authentik_flows", "flowstagebinding", b.Id.ToString(),
                string.Create(CultureInfo.InvariantCulture, $"Flow-stage binding #{b.Order} to {b.TargetId}"), UsedByActions.Cascade)).ToList();
        }),
    ];

    /// <summary>
    /// authentik's used_by: every source, in the order of the related managers' names (Python's getmembers), each
    /// already narrowed to the objects the caller may view.
    /// </summary>
    public static async Task<List<UsedByResponse>> UsedByAsync(
        UsedByContext context, IEnumerable<UsedBySource> sources, CancellationToken cancellationToken)
    {
        var result = new List<UsedByResponse>();
        foreach (var source in sources.OrderBy(s => s.ManagerName, StringComparer.Ordinal))
        {
            result.AddRange(await source.ListAsync(context, cancellationToken));
        }
        return result;
    }
}

/// <summary>What a used_by source needs: the database, the caller and their access, and the stage (or prompt) asked about.</summary>
public sealed record UsedByContext(WardenDbContext Db, ObjectAccess Access, User User, Guid StageId);

/// <summary>
/// One related manager of authentik's used_by (e.g. <c>identificationstage_set</c> on a password stage): its name
/// decides its place in the answer; <see cref="ListAsync"/> returns its entries, narrowed to what the caller may view.
/// </summary>
public sealed record UsedBySource(string ManagerName, Func<UsedByContext, CancellationToken, Task<List<UsedByResponse>>> ListAsync);
