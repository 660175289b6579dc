using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Brands;
using Warden.Events;
using Warden.Persistence;

namespace Warden.Flows;

/// <summary>authentik's flow enums, as their OpenAPI components name them.</summary>
public static class FlowEnums
{
    public static readonly string[] Designations = ["authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery", "stage_configuration"];
    public static readonly string[] Layouts = ["stacked", "content_left", "content_right", "sidebar_left", "sidebar_right", "sidebar_left_frame_background", "sidebar_right_frame_background"];
    public static readonly string[] DeniedActions = ["message_continue", "message", "continue"];
    public static readonly string[] PolicyEngineModes = ["all", "any"];
    public static readonly string[] InvalidResponseActions = ["retry", "restart", "restart_with_context"];

    public const string DesignationHelp = "Decides what this Flow is used for. For example, the Authentication flow is redirect to when an un-authenticated user visits authentik.";
    public const string SlugHelp = "Visible in the URL.";
    public const string TitleHelp = "Shown as the Title in Flow pages.";
    public const string CompatibilityModeHelp = "Enable compatibility mode, increases compatibility with password managers on mobile devices.";
    public const string DeniedActionHelp = "Configure what should happen when a flow denies access to a user.";
}

/// <summary>authentik's <c>FlowSet</c>: a flow as a stage's <c>flow_set</c> lists it.</summary>
[ApiSchema("FlowSet", Description = "Stripped down flow serializer")]
public sealed record FlowSet(
    [property: ApiField(ReadOnly = true)] Guid Pk,
    [property: ApiField(ReadOnly = true)] Guid PolicybindingmodelPtrId,
    string Name,
    [property: ApiField(Description = FlowEnums.SlugHelp, Pattern = "^[-a-zA-Z0-9_]+$")] string Slug,
    [property: ApiField(Description = FlowEnums.TitleHelp)] string Title,
    [property: ApiField(Choices = ["authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery", "stage_configuration"], EnumName = "FlowDesignationEnum", Description = FlowEnums.DesignationHelp)] string Designation,
    [property: ApiField(ReadOnly = true, Description = "Get the URL to the background image")] string BackgroundUrl,
    [property: ApiField(Choices = ["all", "any"], EnumName = "PolicyEngineMode")] string PolicyEngineMode,
    [property: ApiField(Description = FlowEnums.CompatibilityModeHelp)] bool CompatibilityMode,
    [property: ApiField(ReadOnly = true, Description = "Get export URL for flow")] string ExportUrl,
    [property: ApiField(Choices = ["stacked", "content_left", "content_right", "sidebar_left", "sidebar_right", "sidebar_left_frame_background", "sidebar_right_frame_background"], EnumName = "FlowLayoutEnum")] string Layout,
    [property: ApiField(Choices = ["message_continue", "message", "continue"], EnumName = "DeniedActionEnum", Description = FlowEnums.DeniedActionHelp)] string DeniedAction);

/// <summary>
/// The fields every stage response starts with (authentik's <c>StageSerializer</c>): a typed stage viewset builds its
/// response from these and its own fields.
/// </summary>
public sealed record StageInfo(
    Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName, IReadOnlyList<FlowSet> FlowSet);

/// <summary>authentik's <c>Stage</c> (<c>/stages/all/</c>): the common fields of any stage.</summary>
[ApiSchema("Stage", Description = "Stage Serializer")]
public sealed record StageResponse(
    [property: ApiField(ReadOnly = true)] Guid Pk,
    string Name,
    [property: ApiField(ReadOnly = true, Description = "Get object type so that we know how to edit the object")] string Component,
    [property: ApiField(ReadOnly = true, Description = "Return object's verbose_name")] string VerboseName,
    [property: ApiField(ReadOnly = true, Description = "Return object's plural verbose_name")] string VerboseNamePlural,
    [property: ApiField(ReadOnly = true, Description = "Return internal model name")] string MetaModelName,
    [property: ApiField(ReadOnly = true)] IReadOnlyList<FlowSet> FlowSet)
{
    public static StageResponse From(StageInfo info) =>
        new(info.Pk, info.Name, info.Component, info.VerboseName, info.VerboseNamePlural, info.MetaModelName, info.FlowSet);
}

/// <summary>Builds the common stage fields, the flow sets and the audit model of stages, for every stage viewset.</summary>
public static class StageResponses
{
    /// <summary>authentik's <c>Flow.export_url</c>.</summary>
    public static string ExportUrl(Flow flow) => $"/api/v3/flows/instances/{flow.Slug}/export/";

    public static FlowSet ToFlowSet(Flow flow, string backgroundUrl) => new(
        flow.Id, flow.Id, flow.Name, flow.Slug, flow.Title, flow.Designation, backgroundUrl, flow.PolicyEngineMode,
        flow.CompatibilityMode, ExportUrl(flow), flow.Layout, flow.DeniedAction);

    /// <summary>The flows each stage is bound in (one entry per binding, by flow slug, as Django's <c>flow_set</c>).</summary>
    public static async Task<Dictionary<Guid, List<FlowSet>>> FlowSetsAsync(
        WardenDbContext db, HttpContext http, IReadOnlyCollection<Guid> stageIds, CancellationToken cancellationToken)
    {
        var rows = await db.Set<FlowStageBinding>().AsNoTracking()
            .Where(b => stageIds.Contains(b.StageId))
            .Select(b => new { b.StageId, b.Target })
            .ToListAsync(cancellationToken);
        var brands = http.RequestServices.GetRequiredService<BrandResolver>();
        var result = stageIds.Distinct().ToDictionary(id => id, _ => new List<FlowSet>());
        foreach (var row in rows.OrderBy(r => r.Target.Slug, StringComparer.Ordinal))
        {
            result[row.StageId].Add(ToFlowSet(row.Target, await FlowExecutor.BackgroundUrlAsync(http, row.Target, brands, cancellationToken)));
        }
        return result;
    }

    /// <summary>The common fields of each stage, keyed by stage id (stages of an unregistered type are left out).</summary>
    public static async Task<Dictionary<Guid, StageInfo>> InfoAsync(
        WardenDbContext db, HttpContext http, StageTypes types, IReadOnlyCollection<Stage> stages, CancellationToken cancellationToken)
    {
        var flowSets = await FlowSetsAsync(db, http, [.. stages.Select(s => s.Id)], cancellationToken);
        var result = new Dictionary<Guid, StageInfo>();
        foreach (var stage in stages)
        {
            if (types.TryFor(stage.GetType(), out var type))
            {
                result[stage.Id] = new StageInfo(stage.Id, stage.Name, type.Component, type.VerboseName, type.VerboseNamePlural,
                    type.MetaModelName, flowSets[stage.Id]);
            }
        }
        return result;
    }

    public static async Task<StageInfo?> InfoAsync(WardenDbContext db, HttpContext http, StageTypes types, Stage stage, CancellationToken cancellationToken) =>
        (await InfoAsync(db, http, types, [stage], cancellationToken)).GetValueOrDefault(stage.Id);

    /// <summary>The model dict of model_created/updated/deleted events for a stage: <c>str(stage)</c> is <c>Stage {name}</c>.</summary>
    public static JsonObject EventModel(Stage stage, StageType type) =>
        ModelEvents.Model(type.AppLabel, type.ModelName, stage.Id, $"Stage {stage.Name}");

    /// <summary>
    /// authentik's <c>used_by</c> for a stage: the bindings that use it (deleted with it), and the stages that refer
    /// to it (e.g. an identification stage's password stage), with what their foreign key does on delete.
    /// </summary>
    public static async Task<List<UsedByResponse>> UsedByAsync(WardenDbContext db, StageTypes types, Guid stageId, CancellationToken cancellationToken)
    {
        var result = new List<UsedByResponse>();
        var bindings = await db.Set<FlowStageBinding>().AsNoTracking().Where(b => b.StageId == stageId)
            .OrderBy(b => b.TargetId).ThenBy(b => b.Order).ToListAsync(cancellationToken);
        result.AddRange(bindings.Select(b => new UsedByResponse("authentik_flows", "flowstagebinding", b.Id.ToString(),
            FlowStageBindingName(b), UsedByActions.Cascade)));
        // Foreign keys from one stage type to another (an identification stage's password stage, ...).
        foreach (var entityType in db.Model.GetEntityTypes().Where(t => typeof(Stage).IsAssignableFrom(t.ClrType) && !t.ClrType.IsAbstract))
        {
            foreach (var foreignKey in entityType.GetDeclaredForeignKeys())
            {
                if (!typeof(Stage).IsAssignableFrom(foreignKey.PrincipalEntityType.ClrType) || foreignKey.Properties.Count != 1
                    || foreignKey.Properties[0].IsPrimaryKey())
                {
                    continue;
                }
                var action = foreignKey.DeleteBehavior switch
                {
                    DeleteBehavior.Cascade or DeleteBehavior.ClientCascade => UsedByActions.Cascade,
                    DeleteBehavior.SetNull or DeleteBehavior.ClientSetNull => UsedByActions.SetNull,
                    _ => UsedByActions.LeftDangling,
                };
                var find = typeof(StageResponses).GetMethod(nameof(ReferencingAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(entityType.ClrType);
                var referencing = await (Task<List<Stage>>)find.Invoke(null, [db, foreignKey.Properties[0].Name, stageId, cancellationToken])!;
                foreach (var stage in referencing.OrderBy(s => s.Name, StringComparer.Ordinal))
                {
                    if (types.TryFor(stage.GetType(), out var type))
                    {
                        result.Add(new UsedByResponse(type.AppLabel, type.ModelName, stage.Id.ToString(), $"Stage {stage.Name}", action));
                    }
                }
            }
        }
        return result;
    }

    private static async Task<List<Stage>> ReferencingAsync<T>(WardenDbContext db, string property, Guid stageId, CancellationToken cancellationToken)
        where T : Stage =>
        [.. await db.Set<T>().AsNoTracking().Where(s => EF.Property<Guid?>(s, property) == stageId).ToListAsync(cancellationToken)];

    /// <summary>authentik's <c>str(FlowStageBinding)</c>.</summary>
    public static string FlowStageBindingName(FlowStageBinding binding) =>
        $"Flow-stage binding #{binding.Order} to {binding.TargetId}";
}
