using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Stages;

/// <summary>What a used_by source needs: the database, the caller and their access, and the object asked about.</summary>
public sealed record UsedByContext(WardenDbContext Db, ObjectAccess Access, User User, Guid ObjectId);

/// <summary>
/// One related manager of authentik's used_by (e.g. <c>identificationstage_set</c> on a password stage): its name
/// decides its place in the answer (Python's <c>getmembers</c> sorts by name); <see cref="ListAsync"/> returns its
/// entries, narrowed to the objects the caller may view (<c>get_objects_for_user(user, app.view_model, manager)</c>).
/// </summary>
public sealed record UsedBySource(string ManagerName, Func<UsedByContext, CancellationToken, Task<List<UsedByResponse>>> ListAsync);

/// <summary>
/// authentik's <c>UsedByMixin</c> for stages and prompts. Unlike <see cref="Flows.StageResponses.UsedByAsync"/>, every
/// related manager is listed (the <c>flow_set</c> many-to-many too) and each is narrowed to what the caller may view,
/// as authentik does.
/// </summary>
public static class StageUsedBy
{
    /// <summary>
    /// The managers every stage has: <c>flow_set</c> (the flows, through the bindings: the links go) and
    /// <c>flowstagebinding_set</c> (the bindings: deleted with the stage).
    /// </summary>
    public static IReadOnlyList<UsedBySource> Common { get; } =
    [
        new("flow_set", async (context, cancellationToken) =>
        {
            var flows = await context.Access.ObjectsForUserAsync(context.User, "authentik_flows.view_flow",
                context.Db.Set<Flow>().AsNoTracking(), (q, pks) => ObjectAccess.ByGuid(q, pks, f => f.Id), cancellationToken);
            var stageId = context.ObjectId;
            var bound = await context.Db.Set<FlowStageBinding>().AsNoTracking()
                .Where(b => b.StageId == stageId).OrderBy(b => b.Order).Select(b => b.TargetId).ToListAsync(cancellationToken);
            var visible = await flows.Where(f => bound.Contains(f.Id)).ToDictionaryAsync(f => f.Id, cancellationToken);
            return [.. bound.Where(visible.ContainsKey).Select(id => visible[id])
                .Select(f => new UsedByResponse("authentik_flows", "flow", f.Id.ToString(), $"Flow {f.Name} ({f.Slug})", UsedByActions.CascadeMany))];
        }),
        new("flowstagebinding_set", async (context, cancellationToken) =>
        {
            var bindings = await context.Access.ObjectsForUserAsync(context.User, "authentik_flows.view_flowstagebinding",
                context.Db.Set<FlowStageBinding>().AsNoTracking(), (q, pks) => ObjectAccess.ByGuid(q, pks, b => b.Id), cancellationToken);
            var stageId = context.ObjectId;
            var rows = await bindings.Where(b => b.StageId == stageId).OrderBy(b => b.TargetId).ThenBy(b => b.Order).ToListAsync(cancellationToken);
            return [.. rows.Select(b => new UsedByResponse("authentik_flows", "flowstagebinding", b.Id.ToString(),
                Flows.StageResponses.FlowStageBindingName(b), UsedByActions.Cascade))];
        }),
    ];

    /// <summary>A manager of stages of type <typeparamref name="T"/> whose <paramref name="key"/> points at the object.</summary>
    public static UsedBySource Referencing<T>(string managerName, string app, string modelName, System.Linq.Expressions.Expression<Func<T, Guid?>> key, string action)
        where T : Stage =>
        new(managerName, async (context, cancellationToken) =>
        {
            var visible = await context.Access.ObjectsForUserAsync(context.User, $"{app}.view_{modelName}",
                context.Db.Set<T>().AsNoTracking(), (q, pks) => ObjectAccess.ByGuid(q, pks, s => s.Id), cancellationToken);
            var id = (Guid?)context.ObjectId;
            var match = System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(
                System.Linq.Expressions.Expression.Equal(key.Body, System.Linq.Expressions.Expression.Constant(id, typeof(Guid?))), key.Parameters);
            var rows = await visible.Where(match).OrderBy(s => s.Name).ToListAsync(cancellationToken);
            return [.. rows.Select(s => new UsedByResponse(app, modelName, s.Id.ToString(), $"Stage {s.Name}", action))];
        });

    /// <summary>Every source's entries, in the order of the managers' names.</summary>
    public static async Task<List<UsedByResponse>> ListAsync(
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
