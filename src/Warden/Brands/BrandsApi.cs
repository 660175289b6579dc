using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Brands;

/// <summary>authentik's brand viewset, <c>/api/v3/core/brands/</c> (authentik/brands/api.py).</summary>
public static class BrandsApi
{
    public const string ViewPermission = "authentik_brands.view_brand";
    public const string AddPermission = "authentik_brands.add_brand";
    public const string ChangePermission = "authentik_brands.change_brand";
    public const string DeletePermission = "authentik_brands.delete_brand";

    private const string Tag = "core";
    private const string Description = "Brand Viewset";
    private const string ModelName = "Brand";
    private const string InvalidChoice = "Select a valid choice. That choice is not one of the available choices.";

    /// <summary>The flow foreign keys, in the serializer's order, with their columns.</summary>
    private static readonly (string Name, Func<Brand, Guid?> Get, Action<Brand, Guid?> Set, System.Linq.Expressions.Expression<Func<Brand, Guid?>> Column)[] FlowFields =
    [
        ("flow_authentication", b => b.FlowAuthenticationId, (b, v) => b.FlowAuthenticationId = v, b => b.FlowAuthenticationId),
        ("flow_user_switch", b => b.FlowUserSwitchId, (b, v) => b.FlowUserSwitchId = v, b => b.FlowUserSwitchId),
        ("flow_invalidation", b => b.FlowInvalidationId, (b, v) => b.FlowInvalidationId = v, b => b.FlowInvalidationId),
        ("flow_recovery", b => b.FlowRecoveryId, (b, v) => b.FlowRecoveryId = v, b => b.FlowRecoveryId),
        ("flow_unenrollment", b => b.FlowUnenrollmentId, (b, v) => b.FlowUnenrollmentId = v, b => b.FlowUnenrollmentId),
        ("flow_user_settings", b => b.FlowUserSettingsId, (b, v) => b.FlowUserSettingsId = v, b => b.FlowUserSettingsId),
        ("flow_device_code", b => b.FlowDeviceCodeId, (b, v) => b.FlowDeviceCodeId = v, b => b.FlowDeviceCodeId),
        ("flow_lockdown", b => b.FlowLockdownId, (b, v) => b.FlowLockdownId = v, b => b.FlowLockdownId),
        ("flow_request", b => b.FlowRequestId, (b, v) => b.FlowRequestId = v, b => b.FlowRequestId),
    ];

    private static readonly ListQuery<Brand> Query = BuildQuery();

    private static ListQuery<Brand> BuildQuery()
    {
        var query = new ListQuery<Brand>()
            .Filter("brand_uuid", b => b.Id)
            .Filter("domain", b => b.Domain)
            .Filter("default", b => b.Default)
            .Filter("branding_title", b => b.BrandingTitle)
            .Filter("branding_logo", b => b.BrandingLogo)
            .Filter("branding_favicon", b => b.BrandingFavicon)
            .Filter("branding_default_flow_background", b => b.BrandingDefaultFlowBackground)
            .Search(b => b.Domain, b => b.BrandingTitle)
            .Order("brand_uuid", b => b.Id)
            .Order("domain", b => b.Domain)
            .Order("default", b => b.Default)
            .Order("branding_title", b => b.BrandingTitle)
            .Order("branding_logo", b => b.BrandingLogo)
            .Order("branding_favicon", b => b.BrandingFavicon)
            .Order("branding_custom_css", b => b.BrandingCustomCss)
            .Order("branding_default_flow_background", b => b.BrandingDefaultFlowBackground)
            .Order("branding_map_tiles", b => b.BrandingMapTiles)
            .DefaultOrder("domain");
        foreach (var field in FlowFields)
        {
            query.Order(field.Name, field.Column);
        }
        return query;
    }

    /// <summary>Foreign-key filters checked by the handler: django-filter refuses a key that names nothing.</summary>
    private static readonly QueryParameter[] KeyParameters =
    [
        .. FlowFields.Select(f => new QueryParameter(f.Name, QueryType.Uuid)),
        new("client_certificates", QueryType.UuidArray),
        new("web_certificate", QueryType.Uuid),
    ];

    public static IEndpointRouteBuilder MapBrandsApi(this IEndpointRouteBuilder app)
    {
        var brands = app.MapGroup("/api/v3/core/brands").PathParameter("brand_uuid", QueryType.Uuid, "A UUID string identifying this Brand.");
        brands.MapGet("/", List)
            .Operation("core_brands_list", Tag, Description)
            .Query(Query.Parameters.Concat(KeyParameters))
            .Response<Paginated<BrandResponse>>()
            .RequireActor();
        brands.MapPost("/", Create)
            .Operation("core_brands_create", Tag, Description)
            .Request<BrandRequest>()
            .Response<BrandResponse>(StatusCodes.Status201Created)
            .RequireActor();
        brands.MapGet("/current/", Current)
            .Operation("core_brands_current_retrieve", Tag, "Get current brand", anonymous: true)
            .Response<CurrentBrand>();
        brands.MapGet("/{brand_uuid}/", Retrieve)
            .Operation("core_brands_retrieve", Tag, Description)
            .Response<BrandResponse>()
            .RequireActor();
        brands.MapPut("/{brand_uuid}/", Update)
            .Operation("core_brands_update", Tag, Description)
            .Request<BrandRequest>()
            .Response<BrandResponse>()
            .RequireActor();
        brands.MapPatch("/{brand_uuid}/", PartialUpdate)
            .Operation("core_brands_partial_update", Tag, Description)
            .Request<BrandRequest>(partial: true, required: false)
            .Response<BrandResponse>()
            .RequireActor();
        brands.MapDelete("/{brand_uuid}/", Destroy)
            .Operation("core_brands_destroy", Tag, Description)
            .NoContent()
            .RequireActor();
        brands.MapGet("/{brand_uuid}/used_by/", UsedBy)
            .Operation("core_brands_used_by_list", Tag, "Get a list of all objects that use this object")
            .Response<List<UsedByResponse>>()
            .RequireActor();
        return app;
    }

    private const string DomainHelp = "Domain that activates this brand. Can be a superset, i.e. `a.b` for `aa.b` and `ba.b`";
    private const string MapTilesHelp = "URL template for the vector tile source used by the events map.";

    [ApiSchema("BrandRequest", Description = "Brand Serializer")]
    public sealed record BrandRequest(
        [ApiField(MinLength = 1, Description = DomainHelp)] string Domain,
        bool Default = false,
        [ApiField(MinLength = 1)] string BrandingTitle = null!,
        [ApiField(MinLength = 1)] string BrandingLogo = null!,
        [ApiField(MinLength = 1)] string BrandingFavicon = null!,
        [ApiField(AllowBlank = true)] string BrandingCustomCss = null!,
        [ApiField(MinLength = 1)] string BrandingDefaultFlowBackground = null!,
        [ApiField(AllowBlank = true, Description = MapTilesHelp)] string BrandingMapTiles = null!,
        [ApiField(PrimaryKey = true)] Guid? FlowAuthentication = null,
        [ApiField(PrimaryKey = true)] Guid? FlowUserSwitch = null,
        [ApiField(PrimaryKey = true)] Guid? FlowInvalidation = null,
        [ApiField(PrimaryKey = true)] Guid? FlowRecovery = null,
        [ApiField(PrimaryKey = true)] Guid? FlowUnenrollment = null,
        [ApiField(PrimaryKey = true)] Guid? FlowUserSettings = null,
        [ApiField(PrimaryKey = true)] Guid? FlowDeviceCode = null,
        [ApiField(PrimaryKey = true)] Guid? FlowLockdown = null,
        [ApiField(PrimaryKey = true)] Guid? FlowRequest = null,
        [ApiField(PrimaryKey = true, Description = "When set, external users will be redirected to this application after authenticating.")] Guid? DefaultApplication = null,
        [ApiField(PrimaryKey = true, Description = "Web Certificate used by the authentik Core webserver.")] Guid? WebCertificate = null,
        [ApiField(PrimaryKey = true, Description = "Certificates used for client authentication.")] List<Guid> ClientCertificates = null!,
        [ApiField(Dictionary = true)] JsonNode Attributes = null!);

    [ApiSchema("Brand", Description = "Brand Serializer")]
    public sealed record BrandResponse(
        Guid BrandUuid,
        string Domain,
        bool Default,
        string BrandingTitle,
        string BrandingLogo,
        string BrandingFavicon,
        string BrandingCustomCss,
        string BrandingDefaultFlowBackground,
        string BrandingMapTiles,
        Guid? FlowAuthentication,
        Guid? FlowUserSwitch,
        Guid? FlowInvalidation,
        Guid? FlowRecovery,
        Guid? FlowUnenrollment,
        Guid? FlowUserSettings,
        Guid? FlowDeviceCode,
        Guid? FlowLockdown,
        Guid? FlowRequest,
        Guid? DefaultApplication,
        Guid? WebCertificate,
        IReadOnlyList<Guid> ClientCertificates,
        JsonObject Attributes);

    [ApiSchema("ThemedUrls", Description = "Themed URLs - maps theme names to URLs for light and dark themes")]
    public sealed record ThemedUrls(string? Light = null, string? Dark = null);

    [ApiSchema("FooterLink", Description = "Links returned in Config API", ReadOnly = true)]
    public sealed record FooterLink(string? Href, string Name);

    public sealed record CurrentBrandFlags(bool FlowsContinuousLogin, bool FlowsRefreshOthers);

    /// <summary>authentik's <c>CurrentBrand</c>: flows are given by slug, and left out when the brand has none set.</summary>
    [ApiSchema("CurrentBrand", Description = "Partial brand information for styling")]
    public sealed record CurrentBrand(
        string MatchedDomain,
        string BrandingTitle,
        string BrandingLogo,
        [ApiField(ReadOnly = true)] ThemedUrls? BrandingLogoThemedUrls,
        string BrandingFavicon,
        [ApiField(ReadOnly = true)] ThemedUrls? BrandingFaviconThemedUrls,
        string BrandingCustomCss,
        string BrandingMapTiles,
        [ApiField(ReadOnly = true)] IReadOnlyList<FooterLink> UiFooterLinks,
        [ApiField(ReadOnly = true, Choices = ["automatic", "light", "dark"], EnumName = "UiThemeEnum")] string UiTheme,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowAuthentication,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowUserSwitch,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowInvalidation,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowRecovery,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowUnenrollment,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowUserSettings,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowDeviceCode,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowLockdown,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FlowRequest,
        [ApiField(ReadOnly = true)] string DefaultLocale,
        [ApiField(ReadOnly = true)] CurrentBrandFlags Flags);

    public static BrandResponse ToResponse(Brand b) => new(
        b.Id, b.Domain, b.Default, b.BrandingTitle, b.BrandingLogo, b.BrandingFavicon, b.BrandingCustomCss,
        b.BrandingDefaultFlowBackground, b.BrandingMapTiles,
        b.FlowAuthenticationId, b.FlowUserSwitchId, b.FlowInvalidationId, b.FlowRecoveryId, b.FlowUnenrollmentId,
        b.FlowUserSettingsId, b.FlowDeviceCodeId, b.FlowLockdownId, b.FlowRequestId,
        DefaultApplication: null, WebCertificate: null, ClientCertificates: [], b.Attributes);

    /// <summary>How authentik stores a brand's key in object permissions (<c>str(uuid)</c>).</summary>
    public static string ObjectPk(Guid id) => id.ToString();

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var visible = await access.VisibleAsync(user, ViewPermission, db.Brands.AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, b => b.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        var errors = new ValidationErrors();
        foreach (var field in FlowFields)
        {
            var raw = http.Request.Query[field.Name].ToString();
            if (raw.Length == 0)
            {
                continue;
            }
            var flowId = Guid.TryParse(raw, out var parsed) ? parsed : (Guid?)null;
            if (flowId is null || !await db.Set<Flow>().AnyAsync(f => f.Id == flowId, cancellationToken))
            {
                errors.Add(field.Name, InvalidChoice);
                continue;
            }
            var parameter = field.Column.Parameters[0];
            var equals = System.Linq.Expressions.Expression.Equal(field.Column.Body, System.Linq.Expressions.Expression.Constant(flowId, typeof(Guid?)));
            visible = visible.Where(System.Linq.Expressions.Expression.Lambda<Func<Brand, bool>>(equals, parameter));
        }
        // Warden has no certificates, so no certificate key can name one.
        if (http.Request.Query["web_certificate"].ToString().Length > 0)
        {
            errors.Add("web_certificate", InvalidChoice);
        }
        if (http.Request.Query["client_certificates"].FirstOrDefault(v => !string.IsNullOrEmpty(v)) is { } certificate)
        {
            errors.Add("client_certificates", Guid.TryParse(certificate, out _)
                ? $"Select a valid choice. {certificate} is not one of the available choices."
                : $"\u201c{certificate}\u201d is not a valid value.");
        }
        if (!errors.IsValid)
        {
            return errors.ToResult();
        }
        return await Query.ToPageAsync(visible, http.Request, ToResponse, cancellationToken);
    }

    private static async Task<IResult> Retrieve(
        [FromRoute(Name = "brand_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var (brand, error) = await FindAsync(http, db, access, id, cancellationToken);
        return error ?? TypedResults.Json(ToResponse(brand!), ApiJson.Options);
    }

    private static async Task<IResult> Create(
        HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await access.CanGloballyAsync(http.CurrentUser()!, AddPermission, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<BrandRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var brand = new Brand();
        var error = await ValidateAsync(db, body, brand.Id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        Apply(brand, body);
        db.Brands.Add(brand);
        await db.SaveChangesAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(brand), cancellationToken);
        return TypedResults.Json(ToResponse(brand), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(
        [FromRoute(Name = "brand_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Full, cancellationToken);

    private static Task<IResult> PartialUpdate(
        [FromRoute(Name = "brand_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Partial, cancellationToken);

    private static async Task<IResult> SaveAsync(
        string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, BodyMode mode,
        CancellationToken cancellationToken)
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
        var body = await ApiBody.ReadAsync<BrandRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var invalid = await ValidateAsync(db, body, found.Id, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var brand = await db.Brands.FirstAsync(b => b.Id == found.Id, cancellationToken);
        Apply(brand, body);
        await db.SaveChangesAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(brand), cancellationToken);
        return TypedResults.Json(ToResponse(brand), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(
        [FromRoute(Name = "brand_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var (brand, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePermission, ObjectPk(brand!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        await db.Brands.Where(b => b.Id == brand.Id).ExecuteDeleteAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(brand), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>As authentik's used_by: the brand only has to exist. Nothing in Warden references a brand yet.</summary>
    private static async Task<IResult> UsedBy(
        [FromRoute(Name = "brand_uuid")] string id, WardenDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var brandId))
        {
            return ObjectAccess.NotFound();
        }
        if (!await db.Brands.AnyAsync(b => b.Id == brandId, cancellationToken))
        {
            return ApiErrors.NotFound(ModelName);
        }
        return TypedResults.Json(new List<UsedByResponse>(), ApiJson.Options);
    }

    /// <summary>The request's brand (longest matching domain, else the default), as styling for any caller, even anonymous.</summary>
    private static async Task<IResult> Current(HttpContext http, WardenDbContext db, BrandResolver resolver, CancellationToken cancellationToken)
    {
        // Without any brand in the database authentik answers with an unsaved fallback brand.
        var brand = await resolver.ResolveAsync(http, cancellationToken) ?? new Brand { Domain = "fallback" };
        var flowIds = FlowFields.Select(f => f.Get(brand)).Where(v => v is not null).Select(v => v!.Value).ToList();
        var slugs = await db.Set<Flow>().AsNoTracking().Where(f => flowIds.Contains(f.Id))
            .ToDictionaryAsync(f => f.Id, f => f.Slug, cancellationToken);
        string? Slug(Guid? flowId) => flowId is { } value && slugs.TryGetValue(value, out var slug) ? slug : null;
        var settings = brand.Attributes["settings"] as JsonObject;
        var theme = (settings?["theme"] as JsonObject)?["base"] is JsonValue baseTheme && baseTheme.TryGetValue<string>(out var themeName) ? themeName : "automatic";
        var locale = settings?["locale"] is JsonValue localeValue && localeValue.TryGetValue<string>(out var localeName) ? localeName : "";
        return TypedResults.Json(new CurrentBrand(
            brand.Domain,
            brand.BrandingTitle,
            brand.BrandingLogo,
            Themed(brand.BrandingLogo),
            brand.BrandingFavicon,
            Themed(brand.BrandingFavicon),
            brand.BrandingCustomCss,
            brand.BrandingMapTiles,
            [],
            theme,
            Slug(brand.FlowAuthenticationId),
            Slug(brand.FlowUserSwitchId),
            Slug(brand.FlowInvalidationId),
            Slug(brand.FlowRecoveryId),
            Slug(brand.FlowUnenrollmentId),
            Slug(brand.FlowUserSettingsId),
            Slug(brand.FlowDeviceCodeId),
            Slug(brand.FlowLockdownId),
            Slug(brand.FlowRequestId),
            locale,
            new CurrentBrandFlags(FlowsContinuousLogin: false, FlowsRefreshOthers: false)), ApiJson.Options);
    }

    /// <summary>A logo or favicon with <c>%(theme)s</c> in it has a light and a dark variant.</summary>
    private static ThemedUrls? Themed(string url) =>
        url.Contains("%(theme)s", StringComparison.Ordinal)
            ? new ThemedUrls(url.Replace("%(theme)s", "light", StringComparison.Ordinal), url.Replace("%(theme)s", "dark", StringComparison.Ordinal))
            : null;

    /// <summary>
    /// BrandSerializer's checks: a domain no other brand uses, existing flows, no application or certificate
    /// (Warden has none), a dictionary of attributes; then, only when the fields are valid, a single default brand.
    /// </summary>
    private static async Task<IResult?> ValidateAsync(WardenDbContext db, Body<BrandRequest> body, Guid self, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var errors = new ValidationErrors();
        if (body.Has("domain") && await db.Brands.AnyAsync(b => b.Domain == request.Domain && b.Id != self, cancellationToken))
        {
            errors.Add("domain", "This field must be unique.");
        }
        var flows = FlowValues(request);
        foreach (var field in FlowFields)
        {
            if (body.Has(field.Name) && flows[field.Name] is { } flowId && !await db.Set<Flow>().AnyAsync(f => f.Id == flowId, cancellationToken))
            {
                errors.InvalidPk(field.Name, flowId);
            }
        }
        if (body.Has("default_application") && request.DefaultApplication is { } application)
        {
            errors.InvalidPk("default_application", application);
        }
        if (body.Has("web_certificate") && request.WebCertificate is { } certificate)
        {
            errors.InvalidPk("web_certificate", certificate);
        }
        if (body.Has("client_certificates") && request.ClientCertificates.Count > 0)
        {
            errors.InvalidPk("client_certificates", request.ClientCertificates[0]);
        }
        if (body.Has("attributes") && request.Attributes is not JsonObject)
        {
            errors.Add("attributes", "Value must be a dictionary, and not have any duplicate keys.");
        }
        if (!errors.IsValid)
        {
            return errors.ToResult();
        }
        if (body.Has("default") && request.Default && await db.Brands.AnyAsync(b => b.Default && b.Id != self, cancellationToken))
        {
            return ApiErrors.Field("default", "Only a single brand can be set as default.");
        }
        return null;
    }

    private static Dictionary<string, Guid?> FlowValues(BrandRequest request) => new(StringComparer.Ordinal)
    {
        ["flow_authentication"] = request.FlowAuthentication,
        ["flow_user_switch"] = request.FlowUserSwitch,
        ["flow_invalidation"] = request.FlowInvalidation,
        ["flow_recovery"] = request.FlowRecovery,
        ["flow_unenrollment"] = request.FlowUnenrollment,
        ["flow_user_settings"] = request.FlowUserSettings,
        ["flow_device_code"] = request.FlowDeviceCode,
        ["flow_lockdown"] = request.FlowLockdown,
        ["flow_request"] = request.FlowRequest,
    };

    /// <summary>Applies the fields the caller sent (DRF: an omitted optional field keeps its value, even on PUT).</summary>
    private static void Apply(Brand brand, Body<BrandRequest> body)
    {
        var request = body.Value;
        if (body.Has("domain")) brand.Domain = request.Domain;
        if (body.Has("default")) brand.Default = request.Default;
        if (body.Has("branding_title")) brand.BrandingTitle = request.BrandingTitle;
        if (body.Has("branding_logo")) brand.BrandingLogo = request.BrandingLogo;
        if (body.Has("branding_favicon")) brand.BrandingFavicon = request.BrandingFavicon;
        if (body.Has("branding_custom_css")) brand.BrandingCustomCss = request.BrandingCustomCss;
        if (body.Has("branding_default_flow_background")) brand.BrandingDefaultFlowBackground = request.BrandingDefaultFlowBackground;
        if (body.Has("branding_map_tiles")) brand.BrandingMapTiles = request.BrandingMapTiles;
        var flows = FlowValues(request);
        foreach (var field in FlowFields)
        {
            if (body.Has(field.Name))
            {
                field.Set(brand, flows[field.Name]);
            }
        }
        if (body.Has("attributes"))
        {
            brand.Attributes = (JsonObject)request.Attributes.DeepClone();
        }
    }

    private static Task<(Brand? Brand, IResult? Error)> FindAsync(
        HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<Brand, bool>>? match =
            Guid.TryParse(id, out var brandId) ? b => b.Id == brandId : null;
        return access.FindAsync(http.CurrentUser(), ViewPermission, db.Brands.AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, b => b.Id), match, ModelName, cancellationToken);
    }

    /// <summary>authentik's <c>str(brand)</c>: brands have no name field.</summary>
    private static string Name(Brand brand) => brand.Default ? "Default brand" : $"Brand {brand.Domain}";

    private static JsonObject EventModel(Brand brand) => ModelEvents.Model("authentik_brands", "brand", brand.Id, Name(brand));
}
