using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Events;

/// <summary>
/// authentik's <c>EventViewSet</c>, <c>/api/v3/events/events/</c> (authentik/events/api/events.py): the audit trail,
/// read only. Events never hold passwords or token keys: <see cref="AuditLog"/> cleanses every context before it is
/// written, so what is listed here is what was stored.
/// </summary>
public static class EventsApi
{
    public const string ViewPermission = "authentik_events.view_event";

    private const string Tag = "events";
    private const string Description = "Event Read-Only Viewset";
    private const string ModelName = "Event";

    private static readonly string[] Actions =
    [
        "login", "login_failed", "logout", "user_write", "user_offboarded", "suspicious_request", "password_set", "secret_view",
        "secret_rotate", "invitation_used", "authorize_application", "source_linked", "impersonation_started", "impersonation_ended",
        "flow_execution", "policy_execution", "policy_exception", "property_mapping_exception", "system_task_execution",
        "system_task_exception", "system_exception", "configuration_error", "configuration_warning", "model_created", "model_updated",
        "model_deleted", "email_sent", "update_available", "export_ready", "review_initiated", "review_overdue", "review_attested",
        "review_completed", "access_request_created", "access_request_approved", "access_request_denied", "access_request_revoked", "custom_",
    ];

    /// <summary>Filters on keys inside the JSON columns, as django-filter looks them up (<c>context__model__pk</c>, ...).</summary>
    private static readonly (string Name, string Column, string[] Path, string Description)[] JsonFilters =
    [
        ("brand_name", "brand", ["name"], "Brand name"),
        ("context_authorized_app", "context", ["authorized_application", "pk"], "Context Authorized application"),
        ("context_device", "context", ["device", "pk"], "Context Device Primary Key"),
        ("context_model_app", "context", ["model", "app"], "Context Model App"),
        ("context_model_name", "context", ["model", "model_name"], "Context Model Name"),
        ("context_model_pk", "context", ["model", "pk"], "Context Model Primary Key"),
        ("username", "user", ["username"], "Username"),
    ];

    private static readonly ListQuery<Event> Query = new ListQuery<Event>()
        .Filter(new QueryParameter("action", QueryType.String), ActionContains)
        .Filter(new QueryParameter("actions", QueryType.StringArray, EnumName: "EventActions", Choices: Actions), (q, v) =>
            v.All(a => Actions.Contains(a, StringComparer.Ordinal)) ? q.Where(e => v.Contains(e.Action)) : null)
        .Filter(new QueryParameter("client_ip", QueryType.String), (q, v) => q.Where(e => e.ClientIp == v[0]))
        .Search(e => e.Action, e => e.App, e => e.ClientIp ?? "")
        .Order("pk", e => e.Id)
        .Order("action", e => e.Action)
        .Order("app", e => e.App)
        .Order("client_ip", e => e.ClientIp)
        .Order("created", e => e.Created)
        .Order("expires", e => e.Expires)
        .DefaultOrder("-created");

    /// <summary>django-filter's <c>icontains</c> on the action (lowered on both sides, so both providers agree).</summary>
    private static IQueryable<Event> ActionContains(IQueryable<Event> query, string[] values)
    {
        var term = values[0].ToLowerInvariant();
#pragma warning disable CA1862, CA1304, CA1311 // Translated to SQL LOWER(...) LIKE: the overloads with a comparison are not.
        return query.Where(e => e.Action.ToLower().Contains(term));
#pragma warning restore CA1862, CA1304, CA1311
    }

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v3/events/events");
        events.MapGet("/", List)
            .Operation("events_events_list", Tag, Description)
            .Query(Query.Parameters.Concat(JsonFilters.Select(f => new QueryParameter(f.Name, QueryType.String, f.Description))))
            .Response<Paginated<EventResponse>>()
            .RequireActor();
        events.MapGet("/{event_uuid}/", Retrieve)
            .Operation("events_events_retrieve", Tag, Description)
            .PathParameter("event_uuid", QueryType.Uuid, "A UUID string identifying this Event.")
            .Response<EventResponse>()
            .RequireActor();
        return app;
    }

    /// <summary>authentik's <c>EventRequest</c> (its create and update are not offered here; it gives the response its shape).</summary>
    [ApiSchema("EventRequest", Description = "Event Serializer")]
    public sealed record EventRequest(
        [ApiField(Choices = ["login", "login_failed", "logout", "user_write", "user_offboarded", "suspicious_request", "password_set", "secret_view", "secret_rotate", "invitation_used", "authorize_application", "source_linked", "impersonation_started", "impersonation_ended", "flow_execution", "policy_execution", "policy_exception", "property_mapping_exception", "system_task_execution", "system_task_exception", "system_exception", "configuration_error", "configuration_warning", "model_created", "model_updated", "model_deleted", "email_sent", "update_available", "export_ready", "review_initiated", "review_overdue", "review_attested", "review_completed", "access_request_created", "access_request_approved", "access_request_denied", "access_request_revoked", "custom_"], EnumName = "EventActions")] string Action,
        string App,
        JsonObject User = null!,
        JsonObject Context = null!,
        string? ClientIp = null,
        DateTime Expires = default,
        JsonObject Brand = null!);

    [ApiSchema("Event", Description = "Event Serializer")]
    public sealed record EventResponse(
        Guid Pk,
        JsonObject User,
        string Action,
        string App,
        JsonObject Context,
        string? ClientIp,
        DateTime Created,
        DateTime Expires,
        JsonObject Brand);

    public static EventResponse ToResponse(Event e) =>
        new(e.Id, e.User, e.Action, e.App, e.Context, e.ClientIp, e.Created, e.Expires, e.Brand ?? []);

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var source = JsonFiltered(http, db);
        var visible = await access.VisibleAsync(http.CurrentUser()!, ViewPermission, source,
            (q, pks) => ObjectAccess.ByGuid(q, pks, e => e.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        return await Query.ToPageAsync(visible, http.Request, ToResponse, cancellationToken);
    }

    /// <summary>
    /// The events matching the JSON-key filters of the request. The JSON columns are text, so the keys are read with
    /// each provider's JSON functions; the values are always bound as parameters, never written into the SQL.
    /// </summary>
    private static IQueryable<Event> JsonFiltered(HttpContext http, WardenDbContext db)
    {
        var conditions = new List<string>();
        var parameters = new List<object>();
        foreach (var (name, column, path, _) in JsonFilters)
        {
            var value = http.Request.Query[name].ToString();
            if (value.Length == 0)
            {
                continue;
            }
            if (name == "context_model_pk")
            {
                // authentik stores uuid keys as hex: the dashes a client may send are dropped.
                value = value.Replace("-", "", StringComparison.Ordinal);
            }
            var extract = db.IsPostgres
                ? $"(\"{column}\"::jsonb #>> '{{{string.Join(',', path)}}}')"
                : $"CAST(json_extract(\"{column}\", '$.{string.Join('.', path)}') AS TEXT)";
            conditions.Add($"{extract} = {{{parameters.Count}}}");
            parameters.Add(value);
        }
        if (conditions.Count == 0)
        {
            return db.Set<Event>().AsNoTracking();
        }
        var sql = "SELECT * FROM authentik_events_event WHERE " + string.Join(" AND ", conditions);
#pragma warning disable EF1002 // Only constant column names and JSON paths are in the text; every value is a parameter.
        return db.Set<Event>().FromSqlRaw(sql, [.. parameters]).AsNoTracking();
#pragma warning restore EF1002
    }

    private static async Task<IResult> Retrieve(
        [FromRoute(Name = "event_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<Event, bool>>? match = Guid.TryParse(id, out var eventId) ? e => e.Id == eventId : null;
        var (found, error) = await access.FindAsync(http.CurrentUser(), ViewPermission, db.Set<Event>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, e => e.Id), match, ModelName, cancellationToken);
        return error ?? TypedResults.Json(ToResponse(found!), ApiJson.Options);
    }
}
