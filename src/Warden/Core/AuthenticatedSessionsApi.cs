using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Core;

/// <summary>
/// authentik's <c>AuthenticatedSessionViewSet</c> (<c>/api/v3/core/authenticated_sessions/</c>), looked up by uuid.
/// Users see and end their own sessions; ending one deletes its Session row, so that browser is refused on its next
/// request on every node. Session keys never appear in a response.
/// </summary>
public static class AuthenticatedSessionsApi
{
    public const string ViewSession = "authentik_core.view_authenticatedsession";
    public const string DeleteSession = "authentik_core.delete_authenticatedsession";

    /// <summary>The uuid and user are the model's writable fields (the uuid has a default); the rest is read-only.</summary>
    [ApiSchema("AuthenticatedSession", Description = "AuthenticatedSession Serializer")]
    public sealed record AuthenticatedSessionResponse(
        [ApiField(Optional = true)] Guid Uuid,
        [ApiField(ReadOnly = true)] bool Current,
        [ApiField(ReadOnly = true)] UserAgentDetails UserAgent,
        [ApiField(ReadOnly = true)] GeoIpDetails? GeoIp,
        [ApiField(ReadOnly = true)] AsnDetails? Asn,
        int User,
        [ApiField(ReadOnly = true)] string LastIp,
        [ApiField(ReadOnly = true)] string LastUserAgent,
        [ApiField(ReadOnly = true)] DateTime LastUsed,
        [ApiField(ReadOnly = true)] DateTime Expires);

    /// <summary>authentik's <c>GeoIPDict</c>, the shape <c>geo_ip</c> has where a GeoIP database is configured (never in Warden).</summary>
    [ApiSchema("GeoIPDict")]
    public sealed record GeoIpDetails(string? Continent, string? Country, double? Lat, double? Long, string City);

    /// <summary>authentik's <c>ASNDict</c>, the shape <c>asn</c> has where an ASN database is configured (never in Warden).</summary>
    [ApiSchema("ASNDict")]
    public sealed record AsnDetails(int? Asn, string? AsOrg, string? Network);

    [ApiSchema("BulkDeleteSessionResponse")]
    public sealed record BulkDeleteSessionResponse(int Deleted);

    private static readonly ListQuery<AuthenticatedSession> Query = new ListQuery<AuthenticatedSession>()
        .Filter("session__last_ip", a => a.Session.LastIp)
        .Filter("session__last_user_agent", a => a.Session.LastUserAgent)
        .Filter("user__username", a => a.User.Username)
        .Search(a => a.User.Username, a => a.Session.LastIp, a => a.Session.LastUserAgent)
        .Order("uuid", a => a.Uuid)
        .Order("user", a => a.UserId)
        .Order("user__username", a => a.User.Username)
        .Order("session__last_ip", a => a.Session.LastIp)
        .Order("session__last_user_agent", a => a.Session.LastUserAgent)
        .Order("session__last_used", a => a.Session.LastUsed)
        .Order("session__expires", a => a.Session.Expires)
        .DefaultOrder("user__username");

    public static IEndpointRouteBuilder MapAuthenticatedSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/v3/core/authenticated_sessions").RequireActor().PathParameter("uuid", QueryType.Uuid);
        sessions.MapGet("/", List).Operation("core_authenticated_sessions_list", "core", "AuthenticatedSession Viewset")
            .Query(Query.Parameters).Response<Paginated<AuthenticatedSessionResponse>>();
        sessions.MapDelete("/bulk_delete/", BulkDelete)
            .Operation("core_authenticated_sessions_bulk_delete_destroy", "core", "Bulk revoke all sessions for multiple users")
            .Query([new QueryParameter("user_pks", QueryType.IntArray, "List of user IDs to revoke all sessions for", Required: true, DeclareStyle: false)])
            .Response<BulkDeleteSessionResponse>();
        sessions.MapGet("/{uuid}/", Retrieve).Operation("core_authenticated_sessions_retrieve", "core", "AuthenticatedSession Viewset")
            .Response<AuthenticatedSessionResponse>();
        sessions.MapDelete("/{uuid}/", Destroy).Operation("core_authenticated_sessions_destroy", "core", "AuthenticatedSession Viewset")
            .NoContent();
        sessions.MapGet("/{uuid}/used_by/", UsedByList)
            .Operation("core_authenticated_sessions_used_by_list", "core", "Get a list of all objects that use this object")
            .Response<List<UsedByResponse>>();
        return app;
    }

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var scope = await ObjectScope.ForOwnedAsync(permissions, http.CurrentUser()!, ViewSession, cancellationToken);
        return await Query.ToPageAsync(Visible(db, scope).Include(a => a.Session).AsNoTracking(), http.Request,
            a => ToResponse(a, http), cancellationToken);
    }

    private static async Task<IResult> Retrieve(string uuid, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var (session, error) = await FindAsync(uuid, http, db, permissions, cancellationToken);
        return error ?? TypedResults.Ok(ToResponse(session!, http));
    }

    private static async Task<IResult> Destroy(string uuid, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var actor = http.CurrentUser()!;
        var (session, error) = await FindAsync(uuid, http, db, permissions, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        // A user may always end its own sessions; others need the delete permission.
        if (session!.UserId != actor.Id
            && !await permissions.HasAsync(actor, DeleteSession, session.Uuid.ToString(), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        await db.Sessions.Where(s => s.SessionKey == session.SessionKey).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> BulkDelete(HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        // authentik checks the permission globally here (an object grant cannot apply to a list of users).
        if (!await permissions.HasAsync(http.CurrentUser(), DeleteSession, cancellationToken: cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var raw = http.Request.Query["user_pks"];
        if (raw.Count == 0)
        {
            return ApiErrors.Field("user_pks", "This field is required.");
        }
        var userPks = new List<int>();
        var itemErrors = new JsonObject();
        for (var i = 0; i < raw.Count; i++)
        {
            if (int.TryParse(raw[i]?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pk))
            {
                userPks.Add(pk);
            }
            else
            {
                itemErrors[i.ToString(CultureInfo.InvariantCulture)] = new JsonArray("A valid integer is required.");
            }
        }
        if (itemErrors.Count > 0)
        {
            // DRF's ListField reports child errors by index.
            return TypedResults.Json(new JsonObject { ["user_pks"] = itemErrors }, ApiJson.Options, statusCode: StatusCodes.Status400BadRequest);
        }
        var deleted = await db.Sessions
            .Where(s => db.AuthenticatedSessions.Any(a => a.SessionKey == s.SessionKey && userPks.Contains(a.UserId)))
            .ExecuteDeleteAsync(cancellationToken);
        return TypedResults.Ok(new BulkDeleteSessionResponse(deleted));
    }

    private static async Task<IResult> UsedByList(string uuid, WardenDbContext db, CancellationToken cancellationToken)
    {
        // As authentik: used_by checks only that the session exists; nothing in Warden references one.
        if (!Guid.TryParse(uuid, out var id))
        {
            return NotFound();
        }
        if (!await db.AuthenticatedSessions.AnyAsync(a => a.Uuid == id, cancellationToken))
        {
            return ApiErrors.NotFound("AuthenticatedSession");
        }
        return TypedResults.Ok(new List<UsedByResponse>());
    }

    /// <summary>The caller's session (or any, with the global view permission); 404 otherwise.</summary>
    private static async Task<(AuthenticatedSession? Session, IResult? Error)> FindAsync(
        string uuid, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var scope = await ObjectScope.ForOwnedAsync(permissions, http.CurrentUser()!, ViewSession, cancellationToken);
        if (!Guid.TryParse(uuid, out var id))
        {
            // Django rejects a malformed uuid before querying: DRF's bare "Not found.".
            return (null, NotFound());
        }
        var session = await Visible(db, scope).Include(a => a.Session).AsNoTracking().FirstOrDefaultAsync(a => a.Uuid == id, cancellationToken);
        return session is null ? (null, ApiErrors.NotFound("AuthenticatedSession")) : (session, null);
    }

    private static IResult NotFound() => ApiErrors.Detail(StatusCodes.Status404NotFound, "Not found.");

    private static IQueryable<AuthenticatedSession> Visible(WardenDbContext db, ObjectScope scope) =>
        scope.All ? db.AuthenticatedSessions : db.AuthenticatedSessions.Where(a => a.UserId == scope.OwnerId);

    private static AuthenticatedSessionResponse ToResponse(AuthenticatedSession session, HttpContext http)
    {
        var identity = http.Identity();
        var current = identity.Session is { } own && own.SessionKey == session.SessionKey;
        // Warden has no GeoIP or ASN database: both are null, which authentik also answers without one.
        return new AuthenticatedSessionResponse(
            session.Uuid, current, UserAgents.Parse(session.Session.LastUserAgent), null, null, session.UserId,
            session.Session.LastIp, session.Session.LastUserAgent, session.Session.LastUsed, session.Session.Expires);
    }
}
