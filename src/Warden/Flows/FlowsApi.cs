using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Brands;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;
using Warden.Policies;
using Warden.Rbac;

namespace Warden.Flows;

/// <summary>authentik's <c>FlowViewSet</c>, <c>/api/v3/flows/instances/</c> (authentik/flows/api/flows.py), looked up by slug.</summary>
public static class FlowsApi
{
    public const string ViewPermission = "authentik_flows.view_flow";
    public const string AddPermission = "authentik_flows.add_flow";
    public const string ChangePermission = "authentik_flows.change_flow";
    public const string DeletePermission = "authentik_flows.delete_flow";

    private const string Tag = "flows";
    private const string Description = "Flow Viewset";
    private const string ModelName = "Flow";
    private const string SlugPattern = "^[-a-zA-Z0-9_]+$";
    private const string SlugMessage = "Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens.";
    private const string BackgroundHelp = "Background shown during execution";
    private const string AuthenticationHelp = "Required level of authentication and authorization to access a flow.";

    private static readonly ListQuery<Flow> Query = new ListQuery<Flow>()
        .Filter(ChoiceFilter("denied_action", "DeniedActionEnum", FlowEnums.DeniedActions, FlowEnums.DeniedActionHelp + "\n\n"), (q, v) => q.Where(f => f.DeniedAction == v))
        .Filter(ChoiceFilter("designation", "FlowDesignationEnum", FlowEnums.Designations, FlowEnums.DesignationHelp + "\n\n"), (q, v) => q.Where(f => f.Designation == v))
        .Filter("flow_uuid", f => f.Id)
        .Filter("name", f => f.Name)
        .Filter("slug", f => f.Slug)
        .Search(f => f.Name, f => f.Slug, f => f.Designation, f => f.Title)
        .Order("flow_uuid", f => f.Id)
        .Order("name", f => f.Name)
        .Order("slug", f => f.Slug)
        .Order("title", f => f.Title)
        .Order("designation", f => f.Designation)
        .Order("background", f => f.Background)
        .Order("policy_engine_mode", f => f.PolicyEngineMode)
        .Order("compatibility_mode", f => f.CompatibilityMode)
        .Order("layout", f => f.Layout)
        .Order("denied_action", f => f.DeniedAction)
        .Order("authentication", f => f.Authentication)
        .DefaultOrder("slug", "name");

    /// <summary>A django-filter ChoiceFilter: an unknown value is a 400, as django-filter words it.</summary>
    private static (QueryParameter, Func<IQueryable<Flow>, string[], IQueryable<Flow>?>) ChoiceFilter(
        string name, string enumName, string[] choices, string description) =>
        (new QueryParameter(name, QueryType.String, description, enumName, choices), (q, v) => q);

    private static ListQuery<Flow> Filter(this ListQuery<Flow> query,
        (QueryParameter Parameter, Func<IQueryable<Flow>, string[], IQueryable<Flow>?> _) filter, Func<IQueryable<Flow>, string, IQueryable<Flow>> apply) =>
        query.Filter(filter.Parameter, (q, values) => filter.Parameter.Choices!.Contains(values[0], StringComparer.Ordinal) ? apply(q, values[0]) : null);

    public static IEndpointRouteBuilder MapFlowsApi(this IEndpointRouteBuilder app)
    {
        var flows = app.MapGroup("/api/v3/flows/instances");
        flows.MapGet("/", List)
            .Operation("flows_instances_list", Tag, Description)
            .Query(Query.Parameters)
            .Response<Paginated<FlowResponse>>()
            .RequireActor();
        flows.MapPost("/", Create)
            .Operation("flows_instances_create", Tag, Description)
            .Request<FlowRequest>()
            .Response<FlowResponse>(StatusCodes.Status201Created)
            .RequireActor();
        flows.MapGet("/{slug}/", Retrieve)
            .Operation("flows_instances_retrieve", Tag, Description)
            .PathParameter("slug", QueryType.String, FlowEnums.SlugHelp)
            .Response<FlowResponse>()
            .RequireActor();
        flows.MapPut("/{slug}/", Update)
            .Operation("flows_instances_update", Tag, Description)
            .PathParameter("slug", QueryType.String, FlowEnums.SlugHelp)
            .Request<FlowRequest>()
            .Response<FlowResponse>()
            .RequireActor();
        flows.MapPatch("/{slug}/", PartialUpdate)
            .Operation("flows_instances_partial_update", Tag, Description)
            .PathParameter("slug", QueryType.String, FlowEnums.SlugHelp)
            .Request<FlowRequest>(partial: true, required: false)
            .Response<FlowResponse>()
            .RequireActor();
        flows.MapDelete("/{slug}/", Destroy)
            .Operation("flows_instances_destroy", Tag, Description)
            .PathParameter("slug", QueryType.String, FlowEnums.SlugHelp)
            .NoContent()
            .RequireActor();
        flows.MapGet("/{slug}/used_by/", UsedBy)
            .Operation("flows_instances_used_by_list", Tag, "Get a list of all objects that use this object")
            .PathParameter("slug", QueryType.String, FlowEnums.SlugHelp)
            .Response<List<UsedByResponse>>()
            .RequireActor();
        return app;
    }

    [ApiSchema("FlowRequest", Description = "Flow Serializer")]
    public sealed record FlowRequest(
        string Name,
        [ApiField(Description = FlowEnums.SlugHelp, Pattern = SlugPattern, PatternMessage = SlugMessage)] string Slug,
        [ApiField(Description = FlowEnums.TitleHelp)] string Title,
        [ApiField(Choices = ["authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery", "stage_configuration"], EnumName = "FlowDesignationEnum", Description = FlowEnums.DesignationHelp)] string Designation,
        [ApiField(AllowBlank = true, Description = BackgroundHelp)] string Background = null!,
        [ApiField(Choices = ["all", "any"], EnumName = "PolicyEngineMode")] string PolicyEngineMode = null!,
        [ApiField(Description = FlowEnums.CompatibilityModeHelp)] bool CompatibilityMode = false,
        [ApiField(Choices = ["stacked", "content_left", "content_right", "sidebar_left", "sidebar_right", "sidebar_left_frame_background", "sidebar_right_frame_background"], EnumName = "FlowLayoutEnum")] string Layout = null!,
        [ApiField(Choices = ["message_continue", "message", "continue"], EnumName = "DeniedActionEnum", Description = FlowEnums.DeniedActionHelp)] string DeniedAction = null!,
        [ApiField(Choices = ["none", "require_authenticated", "require_unauthenticated", "require_superuser", "require_redirect", "require_outpost", "require_token"], EnumName = "AuthenticationEnum", Description = AuthenticationHelp)] string Authentication = null!);

    [ApiSchema("Flow", Description = "Flow Serializer")]
    public sealed record FlowResponse(
        Guid Pk,
        Guid PolicybindingmodelPtrId,
        string Name,
        string Slug,
        string Title,
        string Designation,
        string Background,
        [property: ApiField(Description = "Get the URL to the background image")] string BackgroundUrl,
        BrandsApi.ThemedUrls? BackgroundThemedUrls,
        IReadOnlyList<Guid> Stages,
        IReadOnlyList<Guid> Policies,
        [property: ApiField(Description = "Get count of cached flows")] int CacheCount,
        string PolicyEngineMode,
        bool CompatibilityMode,
        [property: ApiField(Description = "Get export URL for flow")] string ExportUrl,
        string Layout,
        string DeniedAction,
        string Authentication);

    public static string ObjectPk(Guid id) => id.ToString();

    /// <summary>authentik's <c>str(flow)</c>.</summary>
    public static string Name(Flow flow) => $"Flow {flow.Name} ({flow.Slug})";

    public static JsonObject EventModel(Flow flow) => ModelEvents.Model("authentik_flows", "flow", flow.Id, Name(flow));

    private static async Task<IReadOnlyList<FlowResponse>> ToResponsesAsync(
        HttpContext http, WardenDbContext db, IReadOnlyCollection<Flow> flows, CancellationToken cancellationToken)
    {
        var ids = flows.Select(f => f.Id).ToList();
        var stages = await db.Set<FlowStageBinding>().AsNoTracking().Where(b => ids.Contains(b.TargetId))
            .OrderBy(b => b.Order).Select(b => new { b.TargetId, b.StageId }).ToListAsync(cancellationToken);
        var policies = await db.Set<PolicyBinding>().AsNoTracking().Where(b => b.TargetFlowId != null && ids.Contains(b.TargetFlowId.Value) && b.PolicyId != null)
            .OrderBy(b => b.Order).Select(b => new { Flow = b.TargetFlowId!.Value, Policy = b.PolicyId!.Value }).ToListAsync(cancellationToken);
        var brands = http.RequestServices.GetRequiredService<BrandResolver>();
        var result = new List<FlowResponse>(flows.Count);
        foreach (var flow in flows)
        {
            result.Add(new FlowResponse(
                flow.Id, flow.Id, flow.Name, flow.Slug, flow.Title, flow.Designation, flow.Background,
                await FlowExecutor.BackgroundUrlAsync(http, flow, brands, cancellationToken),
                Themed(flow.Background),
                [.. stages.Where(s => s.TargetId == flow.Id).Select(s => s.StageId).Distinct()],
                [.. policies.Where(p => p.Flow == flow.Id).Select(p => p.Policy).Distinct()],
                // Warden keeps no plan cache, so there is never a cached plan to count.
                CacheCount: 0,
                flow.PolicyEngineMode, flow.CompatibilityMode, StageResponses.ExportUrl(flow), flow.Layout, flow.DeniedAction, flow.Authentication));
        }
        return result;
    }

    private static async Task<FlowResponse> ToResponseAsync(HttpContext http, WardenDbContext db, Flow flow, CancellationToken cancellationToken) =>
        (await ToResponsesAsync(http, db, [flow], cancellationToken))[0];

    /// <summary>A background with <c>%(theme)s</c> in it has a light and a dark variant.</summary>
    private static BrandsApi.ThemedUrls? Themed(string url) =>
        url.Contains("%(theme)s", StringComparison.Ordinal)
            ? new BrandsApi.ThemedUrls(url.Replace("%(theme)s", "light", StringComparison.Ordinal), url.Replace("%(theme)s", "dark", StringComparison.Ordinal))
            : null;

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync(http.CurrentUser()!, ViewPermission, db.Set<Flow>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, f => f.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        return await Query.ToPageAsync(visible, http.Request, page => ToResponsesAsync(http, db, page, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> Retrieve(string slug, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var (flow, error) = await FindAsync(http, db, access, slug, cancellationToken);
        return error ?? TypedResults.Json(await ToResponseAsync(http, db, flow!, cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> Create(HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await access.CanGloballyAsync(http.CurrentUser()!, AddPermission, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<FlowRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var flow = new Flow();
        var invalid = await ValidateAsync(db, body, flow.Id, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        Apply(flow, body);
        db.Set<Flow>().Add(flow);
        if (await SaveUniqueAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(flow), cancellationToken);
        return TypedResults.Json(await ToResponseAsync(http, db, flow, cancellationToken), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(string slug, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken) =>
        SaveAsync(slug, http, db, access, audit, BodyMode.Full, cancellationToken);

    private static Task<IResult> PartialUpdate(string slug, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken) =>
        SaveAsync(slug, http, db, access, audit, BodyMode.Partial, cancellationToken);

    private static async Task<IResult> SaveAsync(
        string slug, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, BodyMode mode, CancellationToken cancellationToken)
    {
        var (found, error) = await FindAsync(http, db, access, slug, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, ChangePermission, ObjectPk(found!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<FlowRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var invalid = await ValidateAsync(db, body, found.Id, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var flow = await db.Set<Flow>().FirstAsync(f => f.Id == found.Id, cancellationToken);
        Apply(flow, body);
        if (await SaveUniqueAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(flow), cancellationToken);
        return TypedResults.Json(await ToResponseAsync(http, db, flow, cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(string slug, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        var (flow, error) = await FindAsync(http, db, access, slug, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePermission, ObjectPk(flow!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        // The database sets the brands' keys to the flow to null (authentik's SET_NULL) and deletes its bindings.
        await db.Set<Flow>().Where(f => f.Id == flow.Id).ExecuteDeleteAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(flow), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>As authentik's used_by: the flow only has to exist; its bindings (cascade) and the brands naming it (set null).</summary>
    private static async Task<IResult> UsedBy(string slug, WardenDbContext db, CancellationToken cancellationToken)
    {
        var flow = await db.Set<Flow>().AsNoTracking().FirstOrDefaultAsync(f => f.Slug == slug, cancellationToken);
        if (flow is null)
        {
            return ApiErrors.NotFound(ModelName);
        }
        var result = new List<UsedByResponse>();
        var bindings = await db.Set<FlowStageBinding>().AsNoTracking().Where(b => b.TargetId == flow.Id).OrderBy(b => b.Order).ToListAsync(cancellationToken);
        result.AddRange(bindings.Select(b => new UsedByResponse("authentik_flows", "flowstagebinding", b.Id.ToString(), StageResponses.FlowStageBindingName(b), UsedByActions.Cascade)));
        var id = flow.Id;
        var brands = await db.Brands.AsNoTracking()
            .Where(b => b.FlowAuthenticationId == id || b.FlowInvalidationId == id || b.FlowRecoveryId == id || b.FlowUnenrollmentId == id
                || b.FlowUserSettingsId == id || b.FlowDeviceCodeId == id || b.FlowUserSwitchId == id || b.FlowLockdownId == id || b.FlowRequestId == id)
            .OrderBy(b => b.Domain).ToListAsync(cancellationToken);
        result.AddRange(brands.Select(b => new UsedByResponse("authentik_brands", "brand", b.Id.ToString(),
            b.Default ? "Default brand" : $"Brand {b.Domain}", UsedByActions.SetNull)));
        return TypedResults.Json(result, ApiJson.Options);
    }

    /// <summary>FlowSerializer's checks: a slug of at most 50 characters that no other flow uses.</summary>
    private static async Task<IResult?> ValidateAsync(WardenDbContext db, Body<FlowRequest> body, Guid self, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (body.Has("slug"))
        {
            if (body.Value.Slug.Length > 50)
            {
                errors.Add("slug", "Ensure this field has no more than 50 characters.");
            }
            else if (await db.Set<Flow>().AnyAsync(f => f.Slug == body.Value.Slug && f.Id != self, cancellationToken))
            {
                errors.Add("slug", "Flow with this slug already exists.");
            }
        }
        return errors.IsValid ? null : errors.ToResult();
    }

    /// <summary>Saves; a concurrent request that took the slug in the meantime is answered as the check above would.</summary>
    private static async Task<IResult?> SaveUniqueAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            return ApiErrors.Field("slug", "Flow with this slug already exists.");
        }
    }

    private static void Apply(Flow flow, Body<FlowRequest> body)
    {
        var r = body.Value;
        if (body.Has("name")) flow.Name = r.Name;
        if (body.Has("slug")) flow.Slug = r.Slug;
        if (body.Has("title")) flow.Title = r.Title;
        if (body.Has("designation")) flow.Designation = r.Designation;
        if (body.Has("background")) flow.Background = r.Background;
        if (body.Has("policy_engine_mode")) flow.PolicyEngineMode = r.PolicyEngineMode;
        if (body.Has("compatibility_mode")) flow.CompatibilityMode = r.CompatibilityMode;
        if (body.Has("layout")) flow.Layout = r.Layout;
        if (body.Has("denied_action")) flow.DeniedAction = r.DeniedAction;
        if (body.Has("authentication")) flow.Authentication = r.Authentication;
    }

    private static Task<(Flow? Flow, IResult? Error)> FindAsync(HttpContext http, WardenDbContext db, ObjectAccess access, string slug, CancellationToken cancellationToken) =>
        access.FindAsync(http.CurrentUser(), ViewPermission, db.Set<Flow>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, f => f.Id), f => f.Slug == slug, ModelName, cancellationToken);
}
