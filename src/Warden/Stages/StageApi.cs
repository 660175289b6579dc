using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Stages;

/// <summary>A stage type's request record: every stage has a name, unique across all stage types.</summary>
public interface IStageRequest
{
    string Name { get; }
}

/// <summary>One create, update or partial update being validated or applied by a <see cref="StageApi{TStage, TRequest, TResponse}"/>.</summary>
/// <param name="Existing">The stage being updated (tracked), or null on create.</param>
public sealed record StageWrite<TStage, TRequest>(
    HttpContext Http, WardenDbContext Db, TRequest Request, Body<TRequest> Body, TStage? Existing)
    where TStage : Stage
{
    public bool IsCreate => Existing is null;

    /// <summary>Whether the caller sent the field (a partial update applies only those).</summary>
    public bool Has(string field) => Body.Has(field);
}

/// <summary>
/// authentik's <c>ModelViewSet</c> + <c>UsedByMixin</c> for one stage type (e.g. <c>/api/v3/stages/deny/</c>), as
/// every typed stage viewset behaves:
/// <list type="bullet">
/// <item>list: the type's filters plus <c>name</c>, <c>stage_uuid</c>, <c>search</c> on the name, <c>ordering</c>
/// (default <c>name</c>) and pagination; only the stages the caller may view;</item>
/// <item>create / update / partial_update: the request record bound as DRF does, then the name checked as unique across
/// ALL stages (<c>stage with this name already exists.</c>) with the type's own field checks
/// (<see cref="ValidateFields"/>), every field error at once; then, only when every field is valid, the object-level
/// hook <see cref="Validate"/> (the lockdown stage's enterprise gate);</item>
/// <item>retrieve, destroy (204), used_by;</item>
/// <item>permissions <c>&lt;app_label&gt;.{view,add,change,delete}_&lt;model_name&gt;</c> from the
/// <see cref="StageTypes"/> registry, globally or on the object (<see cref="ObjectAccess"/>);</item>
/// <item><c>model_created</c> / <c>model_updated</c> / <c>model_deleted</c> events.</item>
/// </list>
/// Every response carries the common stage fields (<see cref="StageFields"/>). Build one per type and call
/// <see cref="Map"/> from the type's <c>Map…Api</c> method.
/// </summary>
public sealed class StageApi<TStage, TRequest, TResponse>
    where TStage : Stage, new()
    where TRequest : class, IStageRequest
    where TResponse : class
{
    private const string Tag = "stages";

    /// <summary>The path under <c>/api/v3/stages/</c>, e.g. <c>deny</c> or <c>prompt/stages</c>.</summary>
    public required string Route { get; init; }

    /// <summary>authentik's operationId prefix, e.g. <c>stages_deny</c> (then <c>_list</c>, <c>_create</c>, ...).</summary>
    public required string OperationPrefix { get; init; }

    /// <summary>The model's class name, e.g. <c>DenyStage</c>: the viewset's description and the 404 message.</summary>
    public required string ModelName { get; init; }

    /// <summary>Builds the response from the stage and its common fields.</summary>
    public required Func<TStage, StageFields, TResponse> ToResponse { get; init; }

    /// <summary>
    /// Copies the request's fields onto the stage (a new one on create; on a partial update only the fields the caller
    /// sent, see <see cref="StageWrite{TStage, TRequest}.Has"/>). The name is set by the helper.
    /// </summary>
    public required Func<StageWrite<TStage, TRequest>, TStage, CancellationToken, Task> Apply { get; init; }

    /// <summary>The type's own list filters and orderings (authentik's <c>filterset_fields</c>).</summary>
    public Action<ListQuery<TStage>>? Filters { get; init; }

    /// <summary>Navigation properties the response needs (e.g. a prompt stage's fields).</summary>
    public Func<IQueryable<TStage>, IQueryable<TStage>>? Include { get; init; }

    /// <summary>The type's own field checks (e.g. a referenced flow exists); they add to the same errors as the name check.</summary>
    public Func<StageWrite<TStage, TRequest>, ValidationErrors, CancellationToken, Task>? ValidateFields { get; init; }

    /// <summary>
    /// DRF's object-level <c>validate()</c>: runs on create and update only after every field is valid; a non-null
    /// result is answered instead of saving (e.g. <c>{"non_field_errors": ["Enterprise is required to create/update this object."]}</c>).
    /// </summary>
    public Func<StageWrite<TStage, TRequest>, CancellationToken, Task<IResult?>>? Validate { get; init; }

    /// <summary>Related managers of this type besides the common <c>flow_set</c> and <c>flowstagebinding_set</c>.</summary>
    public IReadOnlyList<UsedBySource> UsedBy { get; init; } = [];

    private StageType _type = null!;
    private ListQuery<TStage> _query = null!;

    private string ViewPermission => $"{_type.AppLabel}.view_{_type.ModelName}";
    private string AddPermission => $"{_type.AppLabel}.add_{_type.ModelName}";
    private string ChangePermission => $"{_type.AppLabel}.change_{_type.ModelName}";
    private string DeletePermission => $"{_type.AppLabel}.delete_{_type.ModelName}";

    /// <summary>The list query of this viewset (exposed for tests and for the OpenAPI document).</summary>
    public ListQuery<TStage> Query => _query;

    /// <summary>Maps the seven operations; the stage type must be registered with <c>AddStageType</c>.</summary>
    public IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        _type = app.ServiceProvider.GetRequiredService<StageTypes>().For(typeof(TStage));
        var query = new ListQuery<TStage>()
            .Filter("name", s => s.Name)
            .Filter("stage_uuid", s => s.Id)
            .Search(s => s.Name)
            .Order("pk", s => s.Id)
            .Order("name", s => s.Name)
            .DefaultOrder("name");
        Filters?.Invoke(query);
        _query = query;

        var description = $"{ModelName} Viewset";
        var idDescription = $"A UUID string identifying this {_type.VerboseName}.";
        var group = app.MapGroup($"/api/v3/stages/{Route}").RequireActor();
        group.MapGet("/", List)
            .Operation($"{OperationPrefix}_list", Tag, description)
            .Query(query.Parameters)
            .Response<Paginated<TResponse>>();
        group.MapPost("/", Create)
            .Operation($"{OperationPrefix}_create", Tag, description)
            .Request<TRequest>()
            .Response<TResponse>(StatusCodes.Status201Created);
        group.MapGet("/{stage_uuid}/", Retrieve)
            .Operation($"{OperationPrefix}_retrieve", Tag, description)
            .PathParameter("stage_uuid", QueryType.Uuid, idDescription)
            .Response<TResponse>();
        group.MapPut("/{stage_uuid}/", Update)
            .Operation($"{OperationPrefix}_update", Tag, description)
            .PathParameter("stage_uuid", QueryType.Uuid, idDescription)
            .Request<TRequest>()
            .Response<TResponse>();
        group.MapPatch("/{stage_uuid}/", PartialUpdate)
            .Operation($"{OperationPrefix}_partial_update", Tag, description)
            .PathParameter("stage_uuid", QueryType.Uuid, idDescription)
            .Request<TRequest>(partial: true, required: false)
            .Response<TResponse>();
        group.MapDelete("/{stage_uuid}/", Destroy)
            .Operation($"{OperationPrefix}_destroy", Tag, description)
            .PathParameter("stage_uuid", QueryType.Uuid, idDescription)
            .NoContent();
        group.MapGet("/{stage_uuid}/used_by/", UsedByList)
            .Operation($"{OperationPrefix}_used_by_list", Tag, "Get a list of all objects that use this object")
            .PathParameter("stage_uuid", QueryType.Uuid, idDescription)
            .Response<List<UsedByResponse>>();
        return app;
    }

    /// <summary>How authentik stores a stage's key in object permissions (<c>str(uuid)</c>).</summary>
    public static string ObjectPk(Guid id) => id.ToString();

    private IQueryable<TStage> Stages(WardenDbContext db, bool tracked = false)
    {
        var q = tracked ? db.Set<TStage>() : db.Set<TStage>().AsNoTracking();
        return Include is null ? q : Include(q);
    }

    private async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync(http.CurrentUser()!, ViewPermission, Stages(db),
            (q, pks) => ObjectAccess.ByGuid(q, pks, s => s.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        return await _query.ToPageAsync<TResponse>(visible, http.Request, async page =>
        {
            var flowSets = await StageResponses.FlowSetsAsync(db, [.. page.Select(s => s.Id)], cancellationToken);
            return [.. page.Select(s => ToResponse(s, StageResponses.Fields(s, _type, flowSets)))];
        }, cancellationToken);
    }

    private async Task<IResult> Retrieve(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var (stage, error) = await FindAsync(http, db, access, id, cancellationToken);
        return error ?? await RespondAsync(db, stage!, StatusCodes.Status200OK, cancellationToken);
    }

    private async Task<IResult> Create(
        HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await access.CanGloballyAsync(http.CurrentUser()!, AddPermission, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var (write, error) = await ValidateAsync(http, db, null, BodyMode.Full, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var stage = new TStage { Name = write!.Request.Name };
        await Apply(write, stage, cancellationToken);
        db.Add(stage);
        if (await SaveAsync(db, stage, cancellationToken) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(stage), cancellationToken);
        return await RespondAsync(db, stage, StatusCodes.Status201Created, cancellationToken);
    }

    private Task<IResult> Update(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, http, db, access, audit, BodyMode.Full, cancellationToken);

    private Task<IResult> PartialUpdate(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, http, db, access, audit, BodyMode.Partial, cancellationToken);

    private async Task<IResult> ChangeAsync(
        string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, BodyMode mode, CancellationToken cancellationToken)
    {
        var (found, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, ChangePermission, ObjectPk(found!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var stage = await Stages(db, tracked: true).FirstAsync(s => s.Id == found.Id, cancellationToken);
        var (write, invalid) = await ValidateAsync(http, db, stage, mode, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (write!.Has("name"))
        {
            stage.Name = write.Request.Name;
        }
        await Apply(write, stage, cancellationToken);
        if (await SaveAsync(db, stage, cancellationToken) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(stage), cancellationToken);
        return await RespondAsync(db, stage, StatusCodes.Status200OK, cancellationToken);
    }

    private async Task<IResult> Destroy(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
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
        // Both rows of the stage (its type's and authentik_flows_stage) go; bindings cascade, references are set null.
        var stage = await db.Set<TStage>().FirstOrDefaultAsync(s => s.Id == found.Id, cancellationToken);
        if (stage is not null)
        {
            db.Remove(stage);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A concurrent delete got there first: the stage is gone either way.
            }
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(found), cancellationToken);
        return TypedResults.NoContent();
    }

    private async Task<IResult> UsedByList(
        [FromRoute(Name = "stage_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        // As authentik's used_by (no object filter on this action): the stage only has to exist; what is listed is
        // narrowed to what the caller may view.
        if (!Guid.TryParse(id, out var stageId))
        {
            return ObjectAccess.NotFound();
        }
        if (!await db.Set<TStage>().AnyAsync(s => s.Id == stageId, cancellationToken))
        {
            return ApiErrors.NotFound(ModelName);
        }
        var context = new UsedByContext(db, access, http.CurrentUser()!, stageId);
        var result = await StageResponses.UsedByAsync(context, StageResponses.CommonUsedBy.Concat(UsedBy), cancellationToken);
        return TypedResults.Json(result, ApiJson.Options);
    }

    /// <summary>
    /// Binds and validates the body as DRF does: field errors (types, the unique name, the type's own checks) all at
    /// once, then the object-level hook only when there are none.
    /// </summary>
    private async Task<(StageWrite<TStage, TRequest>? Write, IResult? Error)> ValidateAsync(
        HttpContext http, WardenDbContext db, TStage? existing, BodyMode mode, CancellationToken cancellationToken)
    {
        var (raw, readError) = await ApiBody.ReadObjectAsync(http.Request, cancellationToken);
        if (readError is not null)
        {
            return (null, readError);
        }
        var body = ApiBody.Bind<TRequest>(raw!, mode);
        if (body.Error is not null)
        {
            // The unique name is a field check too: report it beside the other fields' errors, as DRF would.
            var name = raw!["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
            if (body.Error is JsonHttpResult<Dictionary<string, List<string>>> { Value: { } fieldErrors }
                && !fieldErrors.ContainsKey("name") && !string.IsNullOrEmpty(name)
                && await NameTakenAsync(db, name, existing?.Id, cancellationToken))
            {
                fieldErrors["name"] = [NameTaken];
            }
            return (null, body.Error);
        }
        var write = new StageWrite<TStage, TRequest>(http, db, body.Value, body, existing);
        var errors = new ValidationErrors();
        if (body.Has("name") && await NameTakenAsync(db, body.Value.Name, existing?.Id, cancellationToken))
        {
            errors.Add("name", NameTaken);
        }
        if (ValidateFields is not null)
        {
            await ValidateFields(write, errors, cancellationToken);
        }
        if (!errors.IsValid)
        {
            return (null, errors.ToResult());
        }
        if (Validate is not null && await Validate(write, cancellationToken) is { } objectError)
        {
            return (null, objectError);
        }
        return (write, null);
    }

    /// <summary>DRF's UniqueValidator on <c>Stage.name</c>: its queryset is every stage, of every type.</summary>
    public const string NameTaken = "stage with this name already exists.";

    private static Task<bool> NameTakenAsync(WardenDbContext db, string name, Guid? except, CancellationToken cancellationToken) =>
        db.Set<Stage>().AnyAsync(s => s.Name == name && s.Id != except, cancellationToken);

    /// <summary>
    /// Saves, turning a unique-name violation by a concurrent request (after validation passed) into the same 400
    /// validation would have given, rather than a 500.
    /// </summary>
    private static async Task<IResult?> SaveAsync(WardenDbContext db, TStage stage, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            if (await db.Set<Stage>().AsNoTracking().AnyAsync(s => s.Name == stage.Name && s.Id != stage.Id, cancellationToken))
            {
                return ApiErrors.Field("name", NameTaken);
            }
            throw;
        }
    }

    private async Task<IResult> RespondAsync(WardenDbContext db, TStage stage, int status, CancellationToken cancellationToken)
    {
        // Read back as the list does, so related rows written by Apply are shown as stored.
        var stored = await Stages(db).FirstOrDefaultAsync(s => s.Id == stage.Id, cancellationToken) ?? stage;
        var flowSets = await StageResponses.FlowSetsAsync(db, [stored.Id], cancellationToken);
        return TypedResults.Json(ToResponse(stored, StageResponses.Fields(stored, _type, flowSets)), ApiJson.Options, statusCode: status);
    }

    private Task<(TStage? Stage, IResult? Error)> FindAsync(
        HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<TStage, bool>>? match =
            Guid.TryParse(id, out var stageId) ? s => s.Id == stageId : null;
        return access.FindAsync(http.CurrentUser(), ViewPermission, Stages(db),
            (q, pks) => ObjectAccess.ByGuid(q, pks, s => s.Id), match, ModelName, cancellationToken);
    }

    private JsonObject EventModel(Stage stage) => ModelEvents.Model(_type.AppLabel, _type.ModelName, stage.Id, stage.Name);
}
