using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;
using Warden.Policies;
using Warden.Rbac;

namespace Warden.Flows;

/// <summary>authentik's <c>FlowStageBindingViewSet</c>, <c>/api/v3/flows/bindings/</c> (authentik/flows/api/bindings.py).</summary>
public static class FlowStageBindingsApi
{
    public const string ViewPermission = "authentik_flows.view_flowstagebinding";
    public const string AddPermission = "authentik_flows.add_flowstagebinding";
    public const string ChangePermission = "authentik_flows.change_flowstagebinding";
    public const string DeletePermission = "authentik_flows.delete_flowstagebinding";

    private const string Tag = "flows";
    private const string Description = "FlowStageBinding Viewset";
    private const string ModelName = "FlowStageBinding";
    private const string PathDescription = "A UUID string identifying this Flow Stage Binding.";
    private const string EvaluateOnPlanHelp = "Evaluate policies during the Flow planning process.";
    private const string ReEvaluateHelp = "Evaluate policies when the Stage is presented to the user.";
    private const string InvalidResponseHelp = "Configure how the flow executor should handle an invalid response to a challenge. RETRY returns the error message and a similar challenge to the executor. RESTART restarts the flow from the beginning, and RESTART_WITH_CONTEXT restarts the flow while keeping the current context.";
    private const string UniqueTogether = "The fields target, stage, order must make a unique set.";

    private static readonly ListQuery<FlowStageBinding> Query = new ListQuery<FlowStageBinding>()
        .Filter("evaluate_on_plan", b => b.EvaluateOnPlan)
        .Filter("fsb_uuid", b => b.Id)
        .Filter(new QueryParameter("invalid_response_action", QueryType.String, InvalidResponseHelp + "\n\n", "InvalidResponseActionEnum", FlowEnums.InvalidResponseActions),
            (q, v) => FlowEnums.InvalidResponseActions.Contains(v[0], StringComparer.Ordinal) ? q.Where(b => b.InvalidResponseAction == v[0]) : null)
        .Filter("order", b => b.Order)
        .Filter("pbm_uuid", b => b.Id)
        .Filter(new QueryParameter("policies", QueryType.UuidArray), Policies)
        .Filter(new QueryParameter("policy_engine_mode", QueryType.String, null, "PolicyEngineMode", FlowEnums.PolicyEngineModes),
            (q, v) => FlowEnums.PolicyEngineModes.Contains(v[0], StringComparer.Ordinal) ? q.Where(b => b.PolicyEngineMode == v[0]) : null)
        .Filter("re_evaluate_policies", b => b.ReEvaluatePolicies)
        .Filter("stage", b => b.StageId)
        .Filter("target", b => b.TargetId)
        .Search(b => b.Stage.Name)
        .Order("order", b => b.Order)
        .Order("stage__name", b => b.Stage.Name)
        .Order("target", b => b.TargetId)
        .Order("pk", b => b.Id)
        .DefaultOrder("order");

    /// <summary>Bindings with any of these policies bound to them (a key that is not a uuid is refused).</summary>
    private static IQueryable<FlowStageBinding>? Policies(IQueryable<FlowStageBinding> query, string[] values)
    {
        var ids = new List<Guid>();
        foreach (var value in values)
        {
            if (!Guid.TryParse(value, out var id))
            {
                return null;
            }
            ids.Add(id);
        }
        return query.Where(b => b.Policies.Any(p => p.PolicyId != null && ids.Contains(p.PolicyId.Value)));
    }

    public static IEndpointRouteBuilder MapFlowStageBindingsApi(this IEndpointRouteBuilder app)
    {
        var bindings = app.MapGroup("/api/v3/flows/bindings");
        bindings.MapGet("/", List)
            .Operation("flows_bindings_list", Tag, Description)
            .Query(Query.Parameters)
            .Response<Paginated<FlowStageBindingResponse>>()
            .RequireActor();
        bindings.MapPost("/", Create)
            .Operation("flows_bindings_create", Tag, Description)
            .Request<FlowStageBindingRequest>()
            .Response<FlowStageBindingResponse>(StatusCodes.Status201Created)
            .RequireActor();
        bindings.MapGet("/{fsb_uuid}/", Retrieve)
            .Operation("flows_bindings_retrieve", Tag, Description)
            .PathParameter("fsb_uuid", QueryType.Uuid, PathDescription)
            .Response<FlowStageBindingResponse>()
            .RequireActor();
        bindings.MapPut("/{fsb_uuid}/", Update)
            .Operation("flows_bindings_update", Tag, Description)
            .PathParameter("fsb_uuid", QueryType.Uuid, PathDescription)
            .Request<FlowStageBindingRequest>()
            .Response<FlowStageBindingResponse>()
            .RequireActor();
        bindings.MapPatch("/{fsb_uuid}/", PartialUpdate)
            .Operation("flows_bindings_partial_update", Tag, Description)
            .PathParameter("fsb_uuid", QueryType.Uuid, PathDescription)
            .Request<FlowStageBindingRequest>(partial: true, required: false)
            .Response<FlowStageBindingResponse>()
            .RequireActor();
        bindings.MapDelete("/{fsb_uuid}/", Destroy)
            .Operation("flows_bindings_destroy", Tag, Description)
            .PathParameter("fsb_uuid", QueryType.Uuid, PathDescription)
            .NoContent()
            .RequireActor();
        bindings.MapGet("/{fsb_uuid}/used_by/", UsedBy)
            .Operation("flows_bindings_used_by_list", Tag, "Get a list of all objects that use this object")
            .PathParameter("fsb_uuid", QueryType.Uuid, PathDescription)
            .Response<List<UsedByResponse>>()
            .RequireActor();
        return app;
    }

    [ApiSchema("FlowStageBindingRequest", Description = "FlowStageBinding Serializer")]
    public sealed record FlowStageBindingRequest(
        [ApiField(PrimaryKey = true)] Guid Target,
        [ApiField(PrimaryKey = true)] Guid Stage,
        int Order,
        [ApiField(Description = EvaluateOnPlanHelp)] bool EvaluateOnPlan = false,
        [ApiField(Description = ReEvaluateHelp)] bool ReEvaluatePolicies = true,
        [ApiField(Choices = ["all", "any"], EnumName = "PolicyEngineMode")] string PolicyEngineMode = null!,
        [ApiField(Choices = ["retry", "restart", "restart_with_context"], EnumName = "InvalidResponseActionEnum", Description = InvalidResponseHelp)] string InvalidResponseAction = null!);

    [ApiSchema("FlowStageBinding", Description = "FlowStageBinding Serializer")]
    public sealed record FlowStageBindingResponse(
        Guid Pk,
        Guid PolicybindingmodelPtrId,
        Guid Target,
        Guid Stage,
        StageResponse StageObj,
        bool EvaluateOnPlan,
        bool ReEvaluatePolicies,
        int Order,
        string PolicyEngineMode,
        string InvalidResponseAction);

    public static string ObjectPk(Guid id) => id.ToString();

    public static JsonObject EventModel(FlowStageBinding binding) =>
        ModelEvents.Model("authentik_flows", "flowstagebinding", binding.Id, StageResponses.FlowStageBindingName(binding));

    private static async Task<IReadOnlyList<FlowStageBindingResponse>> ToResponsesAsync(
        HttpContext http, WardenDbContext db, IReadOnlyCollection<FlowStageBinding> bindings, CancellationToken cancellationToken)
    {
        var stageIds = bindings.Select(b => b.StageId).Distinct().ToList();
        var stages = await db.Set<Stage>().AsNoTracking().Where(s => stageIds.Contains(s.Id)).ToListAsync(cancellationToken);
        var types = http.RequestServices.GetRequiredService<StageTypes>();
        var info = await StageResponses.InfoAsync(db, http, types, stages, cancellationToken);
        return [.. bindings.Select(b => new FlowStageBindingResponse(
            b.Id, b.Id, b.TargetId, b.StageId,
            info.TryGetValue(b.StageId, out var i) ? StageResponse.From(i) : new StageResponse(b.StageId, stages.FirstOrDefault(s => s.Id == b.StageId)?.Name ?? "", "", "", "", "", []),
            b.EvaluateOnPlan, b.ReEvaluatePolicies, b.Order, b.PolicyEngineMode, b.InvalidResponseAction))];
    }

    private static async Task<FlowStageBindingResponse> ToResponseAsync(HttpContext http, WardenDbContext db, FlowStageBinding binding, CancellationToken cancellationToken) =>
        (await ToResponsesAsync(http, db, [binding], cancellationToken))[0];

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync(http.CurrentUser()!, ViewPermission, db.Set<FlowStageBinding>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, b => b.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        return await Query.ToPageAsync(visible, http.Request, page => ToResponsesAsync(http, db, page, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> Retrieve(
        [FromRoute(Name = "fsb_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var (binding, error) = await FindAsync(http, db, access, id, cancellationToken);
        return error ?? TypedResults.Json(await ToResponseAsync(http, db, binding!, cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> Create(HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await access.CanGloballyAsync(http.CurrentUser()!, AddPermission, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<FlowStageBindingRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var binding = new FlowStageBinding();
        Apply(binding, body);
        var invalid = await ValidateAsync(db, binding, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        db.Set<FlowStageBinding>().Add(binding);
        if (await SaveUniqueAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(binding), cancellationToken);
        return TypedResults.Json(await ToResponseAsync(http, db, binding, cancellationToken), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(
        [FromRoute(Name = "fsb_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Full, cancellationToken);

    private static Task<IResult> PartialUpdate(
        [FromRoute(Name = "fsb_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Partial, cancellationToken);

    private static async Task<IResult> SaveAsync(
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
        var body = await ApiBody.ReadAsync<FlowStageBindingRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var binding = await db.Set<FlowStageBinding>().FirstAsync(b => b.Id == found.Id, cancellationToken);
        Apply(binding, body);
        var invalid = await ValidateAsync(db, binding, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (await SaveUniqueAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(binding), cancellationToken);
        return TypedResults.Json(await ToResponseAsync(http, db, binding, cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(
        [FromRoute(Name = "fsb_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        var (binding, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePermission, ObjectPk(binding!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        await db.Set<FlowStageBinding>().Where(b => b.Id == binding.Id).ExecuteDeleteAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(binding), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>As authentik's used_by: the binding only has to exist; the policy bindings on it go with it.</summary>
    private static async Task<IResult> UsedBy([FromRoute(Name = "fsb_uuid")] string id, WardenDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var bindingId))
        {
            return ObjectAccess.NotFound();
        }
        var binding = await db.Set<FlowStageBinding>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == bindingId, cancellationToken);
        if (binding is null)
        {
            return ApiErrors.NotFound(ModelName);
        }
        var policyBindings = await db.Set<PolicyBinding>().AsNoTracking().Where(p => p.TargetBindingId == bindingId)
            .Include(p => p.Policy).Include(p => p.Group).Include(p => p.User)
            .OrderBy(p => p.Order).ToListAsync(cancellationToken);
        // authentik's str(PolicyBinding): "Binding from <target> #<order> to <Policy|Group|User> <name>".
        return TypedResults.Json(policyBindings.Select(p => new UsedByResponse("authentik_policies", "policybinding", p.Id.ToString(),
            $"Binding from {StageResponses.FlowStageBindingName(binding)} #{p.Order} to " +
            (p.Policy is not null ? $"Policy {p.Policy.Name}" : p.Group is not null ? $"Group {p.Group.Name}" : $"User {p.User?.Username}"),
            UsedByActions.Cascade)).ToList(), ApiJson.Options);
    }

    /// <summary>FlowStageBindingSerializer's checks: an existing flow and stage, and a unique (target, stage, order).</summary>
    private static async Task<IResult?> ValidateAsync(WardenDbContext db, FlowStageBinding binding, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!await db.Set<Flow>().AnyAsync(f => f.Id == binding.TargetId, cancellationToken))
        {
            errors.InvalidPk("target", binding.TargetId);
        }
        if (!await db.Set<Stage>().AnyAsync(s => s.Id == binding.StageId, cancellationToken))
        {
            errors.InvalidPk("stage", binding.StageId);
        }
        if (!errors.IsValid)
        {
            return errors.ToResult();
        }
        if (await db.Set<FlowStageBinding>().AnyAsync(b => b.TargetId == binding.TargetId && b.StageId == binding.StageId && b.Order == binding.Order && b.Id != binding.Id, cancellationToken))
        {
            return ApiErrors.NonField(UniqueTogether);
        }
        return null;
    }

    private static async Task<IResult?> SaveUniqueAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            // Another request bound the same stage at the same place in the meantime.
            return ApiErrors.NonField(UniqueTogether);
        }
    }

    private static void Apply(FlowStageBinding binding, Body<FlowStageBindingRequest> body)
    {
        var r = body.Value;
        if (body.Has("target")) binding.TargetId = r.Target;
        if (body.Has("stage")) binding.StageId = r.Stage;
        if (body.Has("order")) binding.Order = r.Order;
        if (body.Has("evaluate_on_plan")) binding.EvaluateOnPlan = r.EvaluateOnPlan;
        if (body.Has("re_evaluate_policies")) binding.ReEvaluatePolicies = r.ReEvaluatePolicies;
        if (body.Has("policy_engine_mode")) binding.PolicyEngineMode = r.PolicyEngineMode;
        if (body.Has("invalid_response_action")) binding.InvalidResponseAction = r.InvalidResponseAction;
    }

    private static Task<(FlowStageBinding? Binding, IResult? Error)> FindAsync(
        HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<FlowStageBinding, bool>>? match = Guid.TryParse(id, out var bindingId) ? b => b.Id == bindingId : null;
        return access.FindAsync(http.CurrentUser(), ViewPermission, db.Set<FlowStageBinding>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, b => b.Id), match, ModelName, cancellationToken);
    }
}
