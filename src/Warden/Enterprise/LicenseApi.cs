using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Enterprise;

/// <summary>
/// <c>/api/v3/enterprise/license/</c>: authentik's LicenseViewSet. A key is stored only after its signature,
/// audience and expiry verified; name, expiry and user numbers are read from it, never from the caller.
/// </summary>
public static class LicenseApi
{
    public const string ViewPermission = "authentik_enterprise.view_license";
    public const string AddPermission = "authentik_enterprise.add_license";
    public const string ChangePermission = "authentik_enterprise.change_license";
    public const string DeletePermission = "authentik_enterprise.delete_license";

    private const string Tag = "enterprise";
    private const string Description = "License Viewset";
    private const string ModelName = "License";
    private const string UniqueMessage = "This field must be unique.";

    private static readonly ListQuery<License> Query = new ListQuery<License>()
        .Filter("name", l => l.Name)
        .Search(l => l.Name)
        .Order("license_uuid", l => l.Id)
        .Order("name", l => l.Name)
        .Order("key", l => l.Key)
        .Order("expiry", l => l.Expiry)
        .Order("internal_users", l => l.InternalUsers)
        .Order("external_users", l => l.ExternalUsers)
        .DefaultOrder("name");

    public static IEndpointRouteBuilder MapLicenseApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v3/enterprise/license").RequireActor();
        group.MapGet("/", List)
            .Operation("enterprise_license_list", Tag, Description)
            .Query(Query.Parameters)
            .Response<Paginated<LicenseResponse>>();
        group.MapPost("/", Create)
            .Operation("enterprise_license_create", Tag, Description)
            .Request<LicenseRequest>()
            .Response<LicenseResponse>(StatusCodes.Status201Created);
        group.MapGet("/install_id/", GetInstallId)
            .Operation("enterprise_license_install_id_retrieve", Tag, "Get install_id")
            .Response<InstallIdResponse>();
        group.MapGet("/summary/", Summary)
            .Operation("enterprise_license_summary_retrieve", Tag, "Get the total license status")
            .Query([new QueryParameter("cached", QueryType.Bool)])
            .Response<LicenseSummary>();
        group.MapGet("/forecast/", Forecast)
            .Operation("enterprise_license_forecast_retrieve", Tag, "Forecast how many users will be required in a year")
            .Response<LicenseForecast>();
        group.MapGet("/{license_uuid}/", Retrieve)
            .PathParameter("license_uuid", QueryType.Uuid, "A UUID string identifying this License.")
            .Operation("enterprise_license_retrieve", Tag, Description)
            .Response<LicenseResponse>();
        group.MapPut("/{license_uuid}/", Update)
            .PathParameter("license_uuid", QueryType.Uuid, "A UUID string identifying this License.")
            .Operation("enterprise_license_update", Tag, Description)
            .Request<LicenseRequest>()
            .Response<LicenseResponse>();
        group.MapPatch("/{license_uuid}/", PartialUpdate)
            .PathParameter("license_uuid", QueryType.Uuid, "A UUID string identifying this License.")
            .Operation("enterprise_license_partial_update", Tag, Description)
            .Request<LicenseRequest>(partial: true, required: false)
            .Response<LicenseResponse>();
        group.MapDelete("/{license_uuid}/", Destroy)
            .PathParameter("license_uuid", QueryType.Uuid, "A UUID string identifying this License.")
            .Operation("enterprise_license_destroy", Tag, Description)
            .NoContent();
        group.MapGet("/{license_uuid}/used_by/", UsedBy)
            .PathParameter("license_uuid", QueryType.Uuid, "A UUID string identifying this License.")
            .Operation("enterprise_license_used_by_list", Tag, "Get a list of all objects that use this object")
            .Response<List<UsedByResponse>>();
        return app;
    }

    [ApiSchema("LicenseRequest", Description = "License Serializer")]
    public sealed record LicenseRequest([ApiField(MinLength = 1)] string Key);

    [ApiSchema("License", Description = "License Serializer")]
    public sealed record LicenseResponse(Guid LicenseUuid, string Name, string Key, DateTime Expiry, int InternalUsers, int ExternalUsers);

    [ApiSchema("InstallID")]
    public sealed record InstallIdResponse(string InstallId);

    [ApiSchema("LicenseForecast", Description = "Serializer for license forecast")]
    public sealed record LicenseForecast(int InternalUsers, int ExternalUsers, int ForecastedInternalUsers, int ForecastedExternalUsers);

    public static LicenseResponse ToResponse(this License license) =>
        // Keys carry 32-bit user numbers (LicenseKeys checks), so the narrowing cannot lose anything.
        new(license.Id, license.Name, license.Key, license.Expiry, (int)license.InternalUsers, (int)license.ExternalUsers);

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken ct)
    {
        var (visible, denied) = await VisibleAsync(http, db, permissions, ct);
        if (denied is not null)
        {
            return denied;
        }
        return await Query.ToPageAsync(visible!, http.Request, l => l.ToResponse(), ct);
    }

    private static async Task<IResult> Create(HttpContext http, WardenDbContext db, Permissions permissions, LicenseKeys keys,
        InstallIds installIds, LicenseStatus status, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (!await permissions.HasAsync(http.CurrentUser(), AddPermission, cancellationToken: ct))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<LicenseRequest>(http.Request, BodyMode.Full, ct);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (claims, invalid) = await ValidateKeyAsync(body.Value.Key, null, db, keys, installIds, time, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        var license = new License();
        license.Apply(body.Value.Key, claims!);
        db.Set<License>().Add(license);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(http, EventActions.ModelCreated, ModelContext(license), cancellationToken: ct);
        await status.RefreshAsync(ct);
        return TypedResults.Json(license.ToResponse(), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Retrieve(HttpContext http, string license_uuid, WardenDbContext db, Permissions permissions, CancellationToken ct)
    {
        var (license, denied) = await FindAsync(http, license_uuid, db, permissions, ct);
        return denied ?? TypedResults.Json(license!.ToResponse(), ApiJson.Options);
    }

    private static Task<IResult> Update(HttpContext http, string license_uuid, WardenDbContext db, Permissions permissions,
        LicenseKeys keys, InstallIds installIds, LicenseStatus status, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        ChangeAsync(http, license_uuid, BodyMode.Full, db, permissions, keys, installIds, status, audit, time, ct);

    private static Task<IResult> PartialUpdate(HttpContext http, string license_uuid, WardenDbContext db, Permissions permissions,
        LicenseKeys keys, InstallIds installIds, LicenseStatus status, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        ChangeAsync(http, license_uuid, BodyMode.Partial, db, permissions, keys, installIds, status, audit, time, ct);

    private static async Task<IResult> ChangeAsync(HttpContext http, string license_uuid, BodyMode mode, WardenDbContext db, Permissions permissions,
        LicenseKeys keys, InstallIds installIds, LicenseStatus status, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var (license, denied) = await FindAsync(http, license_uuid, db, permissions, ct);
        if (denied is not null)
        {
            return denied;
        }
        if (!await permissions.HasAsync(http.CurrentUser(), ChangePermission, license!.Id.ToString(), ct))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<LicenseRequest>(http.Request, mode, ct);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (body.Has("key"))
        {
            var (claims, invalid) = await ValidateKeyAsync(body.Value.Key, license.Id, db, keys, installIds, time, ct);
            if (invalid is not null)
            {
                return invalid;
            }
            license.Apply(body.Value.Key, claims!);
        }
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(http, EventActions.ModelUpdated, ModelContext(license), cancellationToken: ct);
        await status.RefreshAsync(ct);
        return TypedResults.Json(license.ToResponse(), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(HttpContext http, string license_uuid, WardenDbContext db, Permissions permissions,
        LicenseStatus status, AuditLog audit, CancellationToken ct)
    {
        var (license, denied) = await FindAsync(http, license_uuid, db, permissions, ct);
        if (denied is not null)
        {
            return denied;
        }
        if (!await permissions.HasAsync(http.CurrentUser(), DeletePermission, license!.Id.ToString(), ct))
        {
            return ApiErrors.PermissionDenied();
        }
        db.Set<License>().Remove(license);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(http, EventActions.ModelDeleted, ModelContext(license), cancellationToken: ct);
        await status.RefreshAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UsedBy(string license_uuid, WardenDbContext db, CancellationToken ct)
    {
        // As authentik's UsedByMixin (no filter backends): any authenticated caller, as long as the licence exists.
        // Nothing refers to a licence, so the list is empty and shows nothing.
        var exists = Guid.TryParse(license_uuid, out var id) && await db.Set<License>().AnyAsync(l => l.Id == id, ct);
        return exists ? TypedResults.Json(new List<UsedByResponse>(), ApiJson.Options) : ApiErrors.NotFound(ModelName);
    }

    private static async Task<IResult> GetInstallId(HttpContext http, Permissions permissions, InstallIds installIds, CancellationToken ct)
    {
        if (!await permissions.HasAsync(http.CurrentUser(), ViewPermission, cancellationToken: ct))
        {
            return ApiErrors.PermissionDenied();
        }
        return TypedResults.Json(new InstallIdResponse(await installIds.GetAsync(ct)), ApiJson.Options);
    }

    /// <summary>Any authenticated user may read the summary (the interfaces show licence warnings to everyone).</summary>
    private static async Task<IResult> Summary(LicenseStatus status, CancellationToken ct)
    {
        // authentik's ?cached=false recomputes; Warden computes from the database on every request anyway.
        return TypedResults.Json(await status.GetSummaryAsync(ct), ApiJson.Options);
    }

    private static async Task<IResult> Forecast(HttpContext http, WardenDbContext db, Permissions permissions, TimeProvider time, CancellationToken ct)
    {
        if (!await permissions.HasAsync(http.CurrentUser(), ViewPermission, cancellationToken: ct))
        {
            return ApiErrors.PermissionDenied();
        }
        var lastMonth = time.GetUtcNow().UtcDateTime.AddDays(-30);
        // As authentik: internal users who joined in the last 30 days (any state), and all active external users, times 12.
        var joined = await db.Users.LongCountAsync(u => u.Type == UserType.Internal && u.DateJoined >= lastMonth, ct);
        var (internalUsers, externalUsers) = await LicenseStatus.CountActiveUsersAsync(db, ct);
        const int months = 12;
        static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);
        return TypedResults.Json(new LicenseForecast(Clamp(internalUsers), Clamp(externalUsers), Clamp(joined * months), Clamp(externalUsers * months)),
            ApiJson.Options);
    }

    /// <summary>
    /// The key's DRF checks in order: unique among licences, then signed by a trusted key, for this installation,
    /// and not expired. Nothing is saved when one fails.
    /// </summary>
    private static async Task<(LicenseClaims? Claims, IResult? Error)> ValidateKeyAsync(string key, Guid? self, WardenDbContext db,
        LicenseKeys keys, InstallIds installIds, TimeProvider time, CancellationToken ct)
    {
        // The same key twice would count its users twice.
        if (await db.Set<License>().AnyAsync(l => l.Key == key && (self == null || l.Id != self), ct))
        {
            return (null, ApiErrors.Field("key", UniqueMessage));
        }
        var result = keys.Validate(key, await installIds.AudienceAsync(ct), time.GetUtcNow());
        return result.IsValid ? (result.Claims, null) : (null, ApiErrors.Field("key", result.Error!));
    }

    /// <summary>
    /// authentik's ObjectFilter: a global view_license sees every licence; otherwise only those with an object
    /// permission, and a caller who can see none is refused outright.
    /// </summary>
    private static async Task<(IQueryable<License>? Visible, IResult? Denied)> VisibleAsync(
        HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken ct)
    {
        var user = http.CurrentUser()!;
        var all = db.Set<License>().AsQueryable();
        var scope = await permissions.ObjectScopeAsync(user, ViewPermission, ct);
        if (scope is null)
        {
            return (all, null);
        }
        var ids = scope.Select(pk => Guid.TryParse(pk, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
        var visible = all.Where(l => ids.Contains(l.Id));
        if (user.Type != UserType.InternalServiceAccount && !await visible.AnyAsync(ct))
        {
            return (null, ApiErrors.PermissionDenied());
        }
        return (visible, null);
    }

    private static async Task<(License? License, IResult? Denied)> FindAsync(
        HttpContext http, string pk, WardenDbContext db, Permissions permissions, CancellationToken ct)
    {
        var (visible, denied) = await VisibleAsync(http, db, permissions, ct);
        if (denied is not null)
        {
            return (null, denied);
        }
        var license = Guid.TryParse(pk, out var id) ? await visible!.FirstOrDefaultAsync(l => l.Id == id, ct) : null;
        return license is null ? (null, ApiErrors.NotFound(ModelName)) : (license, null);
    }

    /// <summary>The model dict authentik's audit middleware records: app label, model name, hex pk and name.</summary>
    private static JsonObject ModelContext(License license) => new()
    {
        ["model"] = new JsonObject
        {
            ["app"] = "authentik_enterprise",
            ["model_name"] = "license",
            ["pk"] = license.Id.ToString("N"),
            ["name"] = license.Name,
        },
    };
}
