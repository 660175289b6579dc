using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Flows;

/// <summary>authentik's <c>StageViewSet</c>, <c>/api/v3/stages/all/</c> (authentik/flows/api/stages.py): every stage, whatever its type.</summary>
public static class StagesApi
{
    public const string ViewPermission = "authentik_flows.view_stage";
    public const string DeletePermission = "authentik_flows.delete_stage";

    private const string Tag = "stages";
    private const string Description = "Stage Viewset";
    private const string ModelName = "Stage";

    private static readonly ListQuery<Stage> Query = new ListQuery<Stage>()
        .Filter("name", s => s.Name)
        .Search(s => s.Name)
        .Order("name", s => s.Name)
        .DefaultOrder("name");

    public static IEndpointRouteBuilder MapStagesApi(this IEndpointRouteBuilder app)
    {
        var stages = app.MapGroup("/api/v3/stages/all");
        stages.MapGet("/", List)
            .Operation("stages_all_list", Tag, Description)
            .Query(Query.Parameters)
            .Response<Paginated<StageResponse>>()
            .RequireActor();
        stages.MapGet("/types/", Types)
            .Operation("stages_all_types_list", Tag, "Get all creatable types")
            .Response<List<TypeCreate>>()
            .RequireActor();
        stages.MapGet("/{stage_uuid}/", Retrieve)
            .Operation("stages_all_retrieve", Tag, Description)
            .PathParameter("stage_uuid", QueryType.Uuid, "A UUID string identifying this stage.")
            .Response<StageResponse>()
            .RequireActor();
        stages.MapDelete("/{stage_uuid}/", Destroy)
            .Operation("stages_all_destroy", Tag, Description)
            .PathParameter("stage_uuid", QueryType.Uuid, "A UUID string identifying this stage.")
            .NoContent()
            .RequireActor();
        stages.MapGet("/{stage_uuid}/used_by/", UsedBy)
            .Operation("stages_all_used_by_list", Tag, "Get a list of all objects that use this object")
            .PathParameter("stage_uuid", QueryType.Uuid, "A UUID string identifying this stage.")
            .Response<List<UsedByResponse>>()
            .RequireActor();
        return app;
    }

    /// <summary>authentik's <c>TypeCreate</c>: a kind of object the admin interface can create.</summary>
    [ApiSchema("TypeCreate", Description = "Types of an object that can be created", ReadOnly = false)]
    public sealed record TypeCreate(
        string Name,
        string Description,
        string Component,
        string ModelName,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? IconUrl = null,
        bool RequiresEnterprise = false,
        bool Deprecated = false);

    public static string ObjectPk(Guid id) => id.ToString();

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync(http.CurrentUser()!, ViewPermission, db.Set<Stage>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, s => s.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        return await Query.ToPageAsync(visible, http.Request, async page =>
        {
            var info = await StageResponses.InfoAsync(db, http, types, page, cancellationToken);
            return (IReadOnlyList<StageResponse>)[.. page.Select(s => info.TryGetValue(s.Id, out var i) ? StageResponse.From(i) : Unregistered(s))];
        }, cancellationToken);
    }

    /// <summary>A stage row whose type this server does not know (no feature registered it): only its common fields.</summary>
    private static StageResponse Unregistered(Stage stage) => new(stage.Id, stage.Name, "", "", "", "", []);

    /// <summary>authentik's <c>types</c>: every stage type, by verbose name.</summary>
    private static IResult Types(StageTypes types) =>
        TypedResults.Json(types.All.Select(t => new TypeCreate(t.VerboseName, t.Description, t.Component, t.ModelName, RequiresEnterprise: t.RequiresEnterprise)).ToList(), ApiJson.Options);

    private static async Task<IResult> Retrieve(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, CancellationToken cancellationToken)
    {
        var (stage, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var info = await StageResponses.InfoAsync(db, http, types, stage!, cancellationToken);
        return TypedResults.Json(info is null ? Unregistered(stage!) : StageResponse.From(info), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var (found, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePermission, ObjectPk(found!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        // Removing the tracked entity deletes the type's own row and the common row (table per type); the
        // database cascades to the bindings that use the stage.
        var stage = await db.Set<Stage>().FirstAsync(s => s.Id == found.Id, cancellationToken);
        db.Remove(stage);
        await db.SaveChangesAsync(cancellationToken);
        if (types.TryFor(stage.GetType(), out var type))
        {
            await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, StageResponses.EventModel(stage, type), cancellationToken);
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UsedBy(
        [FromRoute(Name = "stage_uuid")] string id, WardenDbContext db, StageTypes types, CancellationToken cancellationToken)
    {
        // As authentik's used_by: the stage only has to exist.
        if (!Guid.TryParse(id, out var stageId))
        {
            return ObjectAccess.NotFound();
        }
        if (!await db.Set<Stage>().AnyAsync(s => s.Id == stageId, cancellationToken))
        {
            return ApiErrors.NotFound(ModelName);
        }
        return TypedResults.Json(await StageResponses.UsedByAsync(db, types, stageId, cancellationToken), ApiJson.Options);
    }

    private static Task<(Stage? Stage, IResult? Error)> FindAsync(
        HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<Stage, bool>>? match = Guid.TryParse(id, out var stageId) ? s => s.Id == stageId : null;
        return access.FindAsync(http.CurrentUser(), ViewPermission, db.Set<Stage>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, s => s.Id), match, ModelName, cancellationToken);
    }
}
