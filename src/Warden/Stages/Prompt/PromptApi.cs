using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Persistence;
using Warden.Policies;
using Warden.Rbac;

namespace Warden.Stages.Prompt;

/// <summary>
/// authentik's prompt viewsets (authentik/stages/prompt/api.py): <c>/api/v3/stages/prompt/stages/</c> (a typed stage
/// viewset) and <c>/api/v3/stages/prompt/prompts/</c> (the fields, shared by any number of prompt stages).
/// </summary>
public static class PromptApi
{
    public const string ViewPromptPermission = "authentik_stages_prompt.view_prompt";
    public const string AddPromptPermission = "authentik_stages_prompt.add_prompt";
    public const string ChangePromptPermission = "authentik_stages_prompt.change_prompt";
    public const string DeletePromptPermission = "authentik_stages_prompt.delete_prompt";

    /// <summary>PromptTypeEnum, every type authentik has (Warden renders all but <c>file</c> and <c>ak-locale</c> as text).</summary>
    public static readonly string[] Types =
    [
        "text", "text_area", "text_read_only", "text_area_read_only", "username", "email", "password", "number", "checkbox",
        "radio-button-group", "dropdown", "date", "date-time", "file", "separator", "hidden", "static", "alert_info",
        "alert_warning", "alert_danger", "ak-locale",
    ];

    private const string Tag = "stages";
    private const string PromptModelName = "Prompt";
    private const string NameTaken = "Prompt with this name already exists.";

    [ApiSchema("PromptStage", Description = "PromptStage Serializer")]
    public sealed record PromptStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet, List<Guid> Fields, List<Guid> ValidationPolicies);

    [ApiSchema("PromptStageRequest", Description = "PromptStage Serializer")]
    public sealed record PromptStageRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(PrimaryKey = true)] List<Guid> Fields,
        [ApiField(PrimaryKey = true)] List<Guid> ValidationPolicies = null!) : IStageRequest;

    [ApiSchema("Prompt", Description = "Prompt Serializer")]
    public sealed record PromptResponse(
        Guid Pk, string Name, string FieldKey, string Label, string Type, bool Required, string Placeholder, string InitialValue,
        int Order, [property: ApiField(ReadOnly = true)] List<PromptStageResponse> PromptStagesObj, string SubText,
        bool PlaceholderExpression, bool InitialValueExpression);

    [ApiSchema("PromptRequest", Description = "Prompt Serializer")]
    public sealed record PromptRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(MinLength = 1, Description = "Name of the form field, also used to store the value")] string FieldKey,
        [ApiField(MinLength = 1)] string Label,
        [ApiField(Choices = ["text", "text_area", "text_read_only", "text_area_read_only", "username", "email", "password", "number", "checkbox", "radio-button-group", "dropdown", "date", "date-time", "file", "separator", "hidden", "static", "alert_info", "alert_warning", "alert_danger", "ak-locale"], EnumName = "PromptTypeEnum")] string Type,
        bool Required = true,
        [ApiField(AllowBlank = true)] string Placeholder = "",
        [ApiField(AllowBlank = true)] string InitialValue = "",
        [ApiField(Int32 = true)] int Order = 0,
        [ApiField(AllowBlank = true)] string SubText = "",
        bool PlaceholderExpression = false,
        bool InitialValueExpression = false);

    private static readonly ListQuery<Prompt> PromptQuery = new ListQuery<Prompt>()
        .Filter("field_key", p => p.FieldKey)
        .Filter("label", p => p.Label)
        .Filter("name", p => p.Name)
        .Filter("placeholder", p => p.Placeholder)
        .Filter(new QueryParameter("type", QueryType.String, null, "PromptTypeEnum", Types), (q, v) => Types.Contains(v[0]) ? q.Where(p => p.Type == v[0]) : null)
        .Search(p => p.Name, p => p.FieldKey, p => p.Label, p => p.Type, p => p.Placeholder)
        .Order("pk", p => p.Id)
        .Order("name", p => p.Name)
        .Order("field_key", p => p.FieldKey)
        .Order("label", p => p.Label)
        .Order("type", p => p.Type)
        .Order("order", p => p.Order)
        .DefaultOrder("field_key");

    public static IEndpointRouteBuilder MapPromptApi(this IEndpointRouteBuilder app)
    {
        MapPromptStages(app);
        var prompts = app.MapGroup("/api/v3/stages/prompt/prompts").RequireActor();
        const string description = "Prompt Viewset";
        const string id = "A UUID string identifying this Prompt.";
        prompts.MapGet("/", ListPrompts).Operation("stages_prompt_prompts_list", Tag, description)
            .Query(PromptQuery.Parameters).Response<Paginated<PromptResponse>>();
        prompts.MapPost("/", CreatePrompt).Operation("stages_prompt_prompts_create", Tag, description)
            .Request<PromptRequest>().Response<PromptResponse>(StatusCodes.Status201Created);
        prompts.MapGet("/{prompt_uuid}/", RetrievePrompt).Operation("stages_prompt_prompts_retrieve", Tag, description)
            .PathParameter("prompt_uuid", QueryType.Uuid, id).Response<PromptResponse>();
        prompts.MapPut("/{prompt_uuid}/", UpdatePrompt).Operation("stages_prompt_prompts_update", Tag, description)
            .PathParameter("prompt_uuid", QueryType.Uuid, id).Request<PromptRequest>().Response<PromptResponse>();
        prompts.MapPatch("/{prompt_uuid}/", PartialUpdatePrompt).Operation("stages_prompt_prompts_partial_update", Tag, description)
            .PathParameter("prompt_uuid", QueryType.Uuid, id).Request<PromptRequest>(partial: true, required: false).Response<PromptResponse>();
        prompts.MapDelete("/{prompt_uuid}/", DestroyPrompt).Operation("stages_prompt_prompts_destroy", Tag, description)
            .PathParameter("prompt_uuid", QueryType.Uuid, id).NoContent();
        prompts.MapGet("/{prompt_uuid}/used_by/", PromptUsedBy).Operation("stages_prompt_prompts_used_by_list", Tag, "Get a list of all objects that use this object")
            .PathParameter("prompt_uuid", QueryType.Uuid, id).Response<List<UsedByResponse>>();
        return app;
    }

    private static void MapPromptStages(IEndpointRouteBuilder app) =>
        new StageApi<PromptStage, PromptStageRequest, PromptStageResponse>
        {
            Route = "prompt/stages",
            OperationPrefix = "stages_prompt_stages",
            ModelName = "PromptStage",
            Include = q => q.Include(s => s.Fields).Include(s => s.ValidationPolicies),
            Filters = q => q
                .Filter(new QueryParameter("fields", QueryType.UuidArray), (s, v) => Uuids(v) is { } ids ? s.Where(x => x.Fields.Any(f => ids.Contains(f.Id))) : null)
                .Filter(new QueryParameter("validation_policies", QueryType.UuidArray), (s, v) => Uuids(v) is { } ids ? s.Where(x => x.ValidationPolicies.Any(p => ids.Contains(p.Id))) : null),
            ToResponse = StageResponse,
            ValidateFields = async (write, errors, ct) =>
            {
                if (write.Has("fields") && write.Request.Fields.Except(await write.Db.Set<Prompt>().Where(p => write.Request.Fields.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).FirstOrDefault() is var missing && missing != Guid.Empty)
                {
                    errors.InvalidPk("fields", missing);
                }
                if (write.Has("validation_policies") && write.Request.ValidationPolicies.Except(await write.Db.Set<Policy>().Where(p => write.Request.ValidationPolicies.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).FirstOrDefault() is var missingPolicy && missingPolicy != Guid.Empty)
                {
                    errors.InvalidPk("validation_policies", missingPolicy);
                }
            },
            Apply = async (write, stage, ct) =>
            {
                if (write.Has("fields"))
                {
                    var ids = write.Request.Fields;
                    stage.Fields.Clear();
                    stage.Fields.AddRange(await write.Db.Set<Prompt>().Where(p => ids.Contains(p.Id)).ToListAsync(ct));
                }
                if (write.Has("validation_policies"))
                {
                    var ids = write.Request.ValidationPolicies;
                    stage.ValidationPolicies.Clear();
                    stage.ValidationPolicies.AddRange(await write.Db.Set<Policy>().Where(p => ids.Contains(p.Id)).ToListAsync(ct));
                }
            },
            UsedBy =
            [
                new("fields", async (context, ct) =>
                {
                    var prompts = await context.Access.ObjectsForUserAsync(context.User, ViewPromptPermission, context.Db.Set<Prompt>().AsNoTracking(),
                        (q, pks) => ObjectAccess.ByGuid(q, pks, p => p.Id), ct);
                    var stageId = context.ObjectId;
                    var rows = await prompts.Where(p => p.Stages.Any(s => s.Id == stageId)).OrderBy(p => p.FieldKey).ToListAsync(ct);
                    return [.. rows.Select(p => new UsedByResponse("authentik_stages_prompt", "prompt", p.Id.ToString(), DisplayName(p), UsedByActions.CascadeMany))];
                }),
            ],
        }.Map(app);

    private static List<Guid>? Uuids(string[] values)
    {
        var ids = new List<Guid>();
        foreach (var v in values)
        {
            if (!Guid.TryParse(v, out var g))
            {
                return null;
            }
            ids.Add(g);
        }
        return ids;
    }

    private static PromptStageResponse StageResponse(PromptStage s, StageInfo c) =>
        new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet,
            [.. s.Fields.OrderBy(f => f.Order).ThenBy(f => f.FieldKey, StringComparer.Ordinal).Select(f => f.Id)],
            [.. s.ValidationPolicies.Select(p => p.Id)]);

    /// <summary>Django's <c>str(prompt)</c>.</summary>
    public static string DisplayName(Prompt prompt) => $"Prompt field '{prompt.FieldKey}' type {prompt.Type}";

    private static async Task<List<PromptResponse>> ToResponsesAsync(
        HttpContext http, WardenDbContext db, StageTypes types, IReadOnlyList<Prompt> prompts, CancellationToken ct)
    {
        var stages = prompts.SelectMany(p => p.Stages).DistinctBy(s => s.Id).ToList();
        var info = await Flows.StageResponses.InfoAsync(db, http, types, stages, ct);
        return [.. prompts.Select(p => new PromptResponse(p.Id, p.Name, p.FieldKey, p.Label, p.Type, p.Required, p.Placeholder,
            p.InitialValue, p.Order,
            [.. p.Stages.OrderBy(s => s.Name, StringComparer.Ordinal).Where(s => info.ContainsKey(s.Id)).Select(s => StageResponse(s, info[s.Id]))],
            p.SubText, p.PlaceholderExpression, p.InitialValueExpression))];
    }

    private static IQueryable<Prompt> Prompts(WardenDbContext db) =>
        db.Set<Prompt>().AsNoTrackingWithIdentityResolution().Include(p => p.Stages).ThenInclude(s => s.Fields).Include(p => p.Stages).ThenInclude(s => s.ValidationPolicies).AsSplitQuery();

    private static async Task<IResult> ListPrompts(HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, CancellationToken ct)
    {
        var visible = await access.VisibleAsync(http.CurrentUser()!, ViewPromptPermission, Prompts(db), (q, pks) => ObjectAccess.ByGuid(q, pks, p => p.Id), ct);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        return await PromptQuery.ToPageAsync<PromptResponse>(visible, http.Request, async page => await ToResponsesAsync(http, db, types, page, ct), ct);
    }

    private static Task<(Prompt? Prompt, IResult? Error)> FindAsync(HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken ct)
    {
        System.Linq.Expressions.Expression<Func<Prompt, bool>>? match = Guid.TryParse(id, out var pid) ? p => p.Id == pid : null;
        return access.FindAsync(http.CurrentUser(), ViewPromptPermission, Prompts(db), (q, pks) => ObjectAccess.ByGuid(q, pks, p => p.Id), match, PromptModelName, ct);
    }

    private static async Task<IResult> RespondAsync(HttpContext http, WardenDbContext db, StageTypes types, Guid id, int status, CancellationToken ct)
    {
        var prompt = await Prompts(db).FirstAsync(p => p.Id == id, ct);
        return TypedResults.Json((await ToResponsesAsync(http, db, types, [prompt], ct))[0], ApiJson.Options, statusCode: status);
    }

    private static async Task<IResult> RetrievePrompt([FromRoute(Name = "prompt_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, CancellationToken ct)
    {
        var (prompt, error) = await FindAsync(http, db, access, id, ct);
        return error ?? await RespondAsync(http, db, types, prompt!.Id, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> CreatePrompt(HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, AuditLog audit, CancellationToken ct)
    {
        if (!await access.CanGloballyAsync(http.CurrentUser()!, AddPromptPermission, ct))
        {
            return ApiErrors.PermissionDenied();
        }
        var prompt = new Prompt();
        if (await ValidateAndApplyAsync(http, db, prompt, BodyMode.Full, ct) is { } error)
        {
            return error;
        }
        db.Add(prompt);
        if (await SaveAsync(db, prompt, ct) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(prompt), ct);
        return await RespondAsync(http, db, types, prompt.Id, StatusCodes.Status201Created, ct);
    }

    private static Task<IResult> UpdatePrompt([FromRoute(Name = "prompt_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, AuditLog audit, CancellationToken ct) =>
        ChangePromptAsync(id, http, db, access, types, audit, BodyMode.Full, ct);

    private static Task<IResult> PartialUpdatePrompt([FromRoute(Name = "prompt_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, AuditLog audit, CancellationToken ct) =>
        ChangePromptAsync(id, http, db, access, types, audit, BodyMode.Partial, ct);

    private static async Task<IResult> ChangePromptAsync(string id, HttpContext http, WardenDbContext db, ObjectAccess access, StageTypes types, AuditLog audit, BodyMode mode, CancellationToken ct)
    {
        var (found, error) = await FindAsync(http, db, access, id, ct);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, ChangePromptPermission, found!.Id.ToString(), ct))
        {
            return ApiErrors.PermissionDenied();
        }
        var prompt = await db.Set<Prompt>().FirstAsync(p => p.Id == found.Id, ct);
        if (await ValidateAndApplyAsync(http, db, prompt, mode, ct) is { } invalid)
        {
            return invalid;
        }
        if (await SaveAsync(db, prompt, ct) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(prompt), ct);
        return await RespondAsync(http, db, types, prompt.Id, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult?> ValidateAndApplyAsync(HttpContext http, WardenDbContext db, Prompt prompt, BodyMode mode, CancellationToken ct)
    {
        var body = await ApiBody.ReadAsync<PromptRequest>(http.Request, mode, ct);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var r = body.Value;
        if (body.Has("name") && await db.Set<Prompt>().AnyAsync(p => p.Name == r.Name && p.Id != prompt.Id, ct))
        {
            return ApiErrors.Field("name", NameTaken);
        }
        if (body.Has("name")) prompt.Name = r.Name;
        if (body.Has("field_key")) prompt.FieldKey = r.FieldKey;
        if (body.Has("label")) prompt.Label = r.Label;
        if (body.Has("type")) prompt.Type = r.Type;
        if (body.Has("required")) prompt.Required = r.Required;
        if (body.Has("placeholder")) prompt.Placeholder = r.Placeholder;
        if (body.Has("initial_value")) prompt.InitialValue = r.InitialValue;
        if (body.Has("order")) prompt.Order = r.Order;
        if (body.Has("sub_text")) prompt.SubText = r.SubText;
        if (body.Has("placeholder_expression")) prompt.PlaceholderExpression = r.PlaceholderExpression;
        if (body.Has("initial_value_expression")) prompt.InitialValueExpression = r.InitialValueExpression;
        return null;
    }

    private static async Task<IResult?> SaveAsync(WardenDbContext db, Prompt prompt, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException)
        {
            if (await db.Set<Prompt>().AsNoTracking().AnyAsync(p => p.Name == prompt.Name && p.Id != prompt.Id, ct))
            {
                return ApiErrors.Field("name", NameTaken);
            }
            throw;
        }
    }

    private static async Task<IResult> DestroyPrompt([FromRoute(Name = "prompt_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken ct)
    {
        var (found, error) = await FindAsync(http, db, access, id, ct);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePromptPermission, found!.Id.ToString(), ct))
        {
            return ApiErrors.PermissionDenied();
        }
        // The links to prompt stages go with it (cascading foreign keys of the join table).
        await db.Set<Prompt>().Where(p => p.Id == found.Id).ExecuteDeleteAsync(ct);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(found), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> PromptUsedBy([FromRoute(Name = "prompt_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var promptId))
        {
            return ObjectAccess.NotFound();
        }
        if (!await db.Set<Prompt>().AnyAsync(p => p.Id == promptId, ct))
        {
            return ApiErrors.NotFound(PromptModelName);
        }
        var stages = await access.ObjectsForUserAsync(http.CurrentUser()!, "authentik_stages_prompt.view_promptstage", db.Set<PromptStage>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, s => s.Id), ct);
        var rows = await stages.Where(s => s.Fields.Any(f => f.Id == promptId)).OrderBy(s => s.Name).ToListAsync(ct);
        return TypedResults.Json(rows.Select(s => new UsedByResponse("authentik_stages_prompt", "promptstage", s.Id.ToString(), $"Stage {s.Name}", UsedByActions.CascadeMany)).ToList(), ApiJson.Options);
    }

    private static JsonObject EventModel(Prompt prompt) => ModelEvents.Model("authentik_stages_prompt", "prompt", prompt.Id, prompt.Name);
}
