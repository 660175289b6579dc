using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Events;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Core;

/// <summary>
/// authentik's <c>TokenViewSet</c> (<c>/api/v3/core/tokens/</c>), looked up by identifier. Only API tokens and app
/// passwords can be created here; users without the global view permission see their own tokens only. Keys are
/// never logged; reading one writes a <c>secret_view</c> event.
/// </summary>
public static class TokensApi
{
    public const string ViewToken = "authentik_core.view_token";
    public const string AddToken = "authentik_core.add_token";
    public const string ChangeToken = "authentik_core.change_token";
    public const string DeleteToken = "authentik_core.delete_token";
    public const string ViewTokenKey = "authentik_core.view_token_key";
    public const string SetTokenKey = "authentik_core.set_token_key";

    /// <summary>authentik's <c>USER_ATTRIBUTE_TOKEN_MAXIMUM_LIFETIME</c>.</summary>
    public const string MaximumLifetimeAttribute = "goauthentik.io/user/token-maximum-lifetime";

    /// <summary>authentik's default <c>default_token_duration</c> (<c>days=1</c>).</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromDays(1);

    /// <summary>authentik's default <c>default_token_length</c>.</summary>
    public const int KeyLength = 60;

    private static readonly string[] IntentChoices = ["verification", "api", "recovery", "app_password"];

    [ApiSchema("TokenRequest", Description = "Token Serializer")]
    public sealed record TokenRequest(
        [ApiField(MaxLength = 255, Pattern = "^[-a-zA-Z0-9_]+$",
            PatternMessage = "Enter a valid \"slug\" consisting of letters, numbers, underscores or hyphens.")]
        string Identifier,
        [ApiField(Indexed = true, Description = "Objects that are managed by authentik. These objects are created and updated automatically. This flag only indicates that an object can be overwritten by migrations. You can still modify the objects via the API, but expect changes to be overwritten in a later update.")]
        string? Managed = null,
        [ApiField(Choices = new[] { "verification", "api", "recovery", "app_password" }, EnumName = "IntentEnum")]
        string Intent = null!,
        [ApiField(PrimaryKey = true)] int User = 0,
        [ApiField(AllowBlank = true)] string Description = null!,
        DateTime? Expires = null,
        bool Expiring = true);

    [ApiSchema("Token", Description = "Token Serializer")]
    public sealed record TokenResponse(
        Guid Pk, string? Managed, string Identifier, string Intent, int User, UserResponse UserObj, string Description,
        DateTime? Expires, bool Expiring);

    [ApiSchema("TokenView", Description = "Show token's current key", ReadOnly = true)]
    public sealed record TokenView(string Key);

    [ApiSchema("TokenSetKeyRequest", Description = "Set token's key")]
    public sealed record TokenSetKeyRequest([ApiField(Indexed = true)] string Key);

    private static readonly ListQuery<Token> Query = new ListQuery<Token>()
        .Filter("description", t => t.Description)
        .Filter("expires", t => t.Expires)
        .Filter("expiring", t => t.Expiring)
        .Filter("identifier", t => t.Identifier)
        .Filter(new QueryParameter("intent", QueryType.String, EnumName: "IntentEnum", Choices: IntentChoices),
            (q, v) => TokenIntents.FromApi(v[^1]) is { } intent ? q.Where(t => t.Intent == intent) : null)
        .Filter("managed", t => t.Managed)
        .Filter("user__username", t => t.User.Username)
        .Filter(new QueryParameter("search", QueryType.String, "A search term."), Search)
        .Order("pk", t => t.Id)
        .Order("managed", t => t.Managed)
        .Order("identifier", t => t.Identifier)
        .Order("intent", t => t.Intent)
        .Order("user", t => t.UserId)
        .Order("description", t => t.Description)
        .Order("expires", t => t.Expires)
        .Order("expiring", t => t.Expiring)
        .DefaultOrder("identifier", "expires");

    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/v3/core/tokens").RequireActor();
        tokens.MapGet("/", List).Operation("core_tokens_list", "core", "Token Viewset")
            .Query(Query.Parameters).Response<Paginated<TokenResponse>>();
        tokens.MapPost("/", Create).Operation("core_tokens_create", "core", "Token Viewset")
            .Request<TokenRequest>().Response<TokenResponse>(StatusCodes.Status201Created);
        tokens.MapGet("/{identifier}/", Retrieve).Operation("core_tokens_retrieve", "core", "Token Viewset").Response<TokenResponse>();
        tokens.MapPut("/{identifier}/", Update).Operation("core_tokens_update", "core", "Token Viewset")
            .Request<TokenRequest>().Response<TokenResponse>();
        tokens.MapPatch("/{identifier}/", PartialUpdate).Operation("core_tokens_partial_update", "core", "Token Viewset")
            .Request<TokenRequest>(partial: true, required: false).Response<TokenResponse>();
        tokens.MapDelete("/{identifier}/", Destroy).Operation("core_tokens_destroy", "core", "Token Viewset").NoContent();
        tokens.MapGet("/{identifier}/view_key/", ViewKey).Operation("core_tokens_view_key_retrieve", "core", "Return token key and log access")
            .Response<TokenView>().NoContent(StatusCodes.Status404NotFound, "Token not found or expired");
        tokens.MapPost("/{identifier}/set_key/", SetKey)
            .Operation("core_tokens_set_key_create", "core", "Set token key. Action is logged as event. `authentik_core.set_token_key` permission\nis required.")
            .Request<TokenSetKeyRequest>().NoContent(description: "Successfully changed key")
            .NoContent(StatusCodes.Status400BadRequest, "Missing key").NoContent(StatusCodes.Status404NotFound, "Token not found or expired");
        tokens.MapGet("/{identifier}/used_by/", UsedByList)
            .Operation("core_tokens_used_by_list", "core", "Get a list of all objects that use this object").Response<List<UsedByResponse>>();
        return app;
    }

    /// <summary>A new key: 60 letters and digits, as authentik's <c>default_token_key</c>.</summary>
    public static string NewKey() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", KeyLength);

    /// <summary>Python's <c>str(token)</c>: the identifier, and its expiry when it expires.</summary>
    public static string Name(Token token) =>
        token.Expiring ? $"{token.Identifier} (expires={(token.Expires is { } e ? PythonFormat.DateTime(e) : "None")})" : token.Identifier;

    private static async Task<IResult> List(
        HttpContext http, WardenDbContext db, Permissions permissions, UserResponses users, CancellationToken cancellationToken)
    {
        var scope = await ObjectScope.ForOwnedAsync(permissions, http.CurrentUser()!, ViewToken, cancellationToken);
        if (InvalidIntentFilter(http.Request) is { } invalid)
        {
            return invalid;
        }
        return await Query.ToPageAsync(Visible(db, scope), http.Request,
            page => ResponsesAsync(page, db, users, http.Request, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> Retrieve(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses users, CancellationToken cancellationToken)
    {
        var token = await FindAsync(identifier, http, db, permissions, cancellationToken);
        if (token is null)
        {
            return ApiErrors.NotFound("Token");
        }
        return TypedResults.Ok((await ResponsesAsync([token], db, users, http.Request, cancellationToken))[0]);
    }

    private static async Task<IResult> Create(
        HttpContext http, WardenDbContext db, Permissions permissions, UserResponses users, TimeProvider time, CancellationToken cancellationToken)
    {
        // As authentik (rbac_allow_create_without_perm): any authenticated user may create tokens, for itself.
        var actor = http.CurrentUser()!;
        var body = await ApiBody.ReadAsync<TokenRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (values, error) = await ValidateAsync(db, body, null, actor, http, time, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var token = new Token
        {
            Identifier = body.Value.Identifier,
            Key = NewKey(),
            Managed = body.Has("managed") ? body.Value.Managed : null,
            Description = body.Has("description") ? body.Value.Description : "",
            Intent = values.Intent,
            UserId = values.UserId,
            Expires = values.Expires,
            Expiring = body.Has("expiring") ? body.Value.Expiring : true,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await permissions.IsSuperuserAsync(actor, cancellationToken))
        {
            // A non-superuser always creates the token for itself, with the expiry its account dictates, and may read
            // its key afterwards (a view_token_key grant on its own managed role, as authentik does).
            token.UserId = actor.Id;
            token.Expiring = TokenExpiring(actor);
            await GrantOnManagedRoleAsync(db, actor, ViewTokenKey, token.Id.ToString(), cancellationToken);
        }
        // A lockdown of the caller may have committed since the request authenticated: a token minted now with the
        // stolen credential would outlive it.
        if (!await AccessGuard.CallerStillValidAsync(db, http.Identity(), cancellationToken))
        {
            return AccessGuard.Refusal(http.Identity());
        }
        db.Tokens.Add(token);
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return ApiErrors.Field("identifier", "Token with this identifier already exists.");
        }
        // Read back before the commit: a lockdown may delete the token the moment it is committed.
        var created = await db.Tokens.AsNoTracking().Include(t => t.User).SingleAsync(t => t.Id == token.Id, cancellationToken);
        var response = (await ResponsesAsync([created], db, users, http.Request, cancellationToken))[0];
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Json(response, ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses users, TimeProvider time,
        CancellationToken cancellationToken) =>
        WriteAsync(identifier, BodyMode.Full, http, db, permissions, users, time, cancellationToken);

    private static Task<IResult> PartialUpdate(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses users, TimeProvider time,
        CancellationToken cancellationToken) =>
        WriteAsync(identifier, BodyMode.Partial, http, db, permissions, users, time, cancellationToken);

    private static async Task<IResult> WriteAsync(
        string identifier, BodyMode mode, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses users, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var actor = http.CurrentUser()!;
        var token = await FindAsync(identifier, http, db, permissions, cancellationToken, tracked: true);
        if (token is null)
        {
            return ApiErrors.NotFound("Token");
        }
        if (!await MayAsync(permissions, actor, ChangeToken, token, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<TokenRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (values, error) = await ValidateAsync(db, body, token, actor, http, time, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (body.Has("identifier")) token.Identifier = body.Value.Identifier;
        if (body.Has("managed")) token.Managed = body.Value.Managed;
        if (body.Has("description")) token.Description = body.Value.Description;
        if (body.Has("expiring")) token.Expiring = body.Value.Expiring;
        token.Intent = values.Intent;
        token.Expires = values.Expires;
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return ApiErrors.Field("identifier", "Token with this identifier already exists.");
        }
        var updated = await db.Tokens.AsNoTracking().Include(t => t.User).SingleAsync(t => t.Id == token.Id, cancellationToken);
        return TypedResults.Ok((await ResponsesAsync([updated], db, users, http.Request, cancellationToken))[0]);
    }

    private static async Task<IResult> Destroy(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var token = await FindAsync(identifier, http, db, permissions, cancellationToken);
        if (token is null)
        {
            return ApiErrors.NotFound("Token");
        }
        if (!await MayAsync(permissions, http.CurrentUser()!, DeleteToken, token, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var pk = token.Id.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Grants on this token (its uuid names nothing else) go with it.
        await db.Set<RolePermission>().Where(p => p.ObjectPk == pk).ExecuteDeleteAsync(cancellationToken);
        // The row is gone, so the key is refused on the very next request, on every node.
        await db.Tokens.Where(t => t.Id == token.Id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ViewKey(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await CheckObjectPermissionAsync(identifier, ViewTokenKey, http, db, permissions, cancellationToken) is { } denied)
        {
            return denied;
        }
        var token = await FindAsync(identifier, http, db, permissions, cancellationToken);
        if (token is null)
        {
            return ApiErrors.NotFound("Token");
        }
        await audit.WriteAsync(http, EventActions.SecretView, new JsonObject
        {
            ["secret"] = new JsonObject
            {
                ["app"] = "authentik_core",
                ["model_name"] = "token",
                ["pk"] = token.Id.ToString("N"),
                ["name"] = Name(token),
            },
        }, app: "authentik.core.api.tokens", cancellationToken: cancellationToken);
        return TypedResults.Ok(new TokenView(token.Key));
    }

    private static async Task<IResult> SetKey(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        if (await CheckObjectPermissionAsync(identifier, SetTokenKey, http, db, permissions, cancellationToken) is { } denied)
        {
            return denied;
        }
        var body = await ApiBody.ReadAsync<TokenSetKeyRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var token = await FindAsync(identifier, http, db, permissions, cancellationToken, tracked: true);
        if (token is null)
        {
            return ApiErrors.NotFound("Token");
        }
        token.Key = body.Value.Key;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UsedByList(string identifier, WardenDbContext db, CancellationToken cancellationToken)
    {
        // As authentik: used_by checks only that the token exists; nothing in Warden references a token.
        if (!await db.Tokens.AnyAsync(t => t.Identifier == identifier, cancellationToken))
        {
            return ApiErrors.NotFound("Token");
        }
        return TypedResults.Ok(new List<UsedByResponse>());
    }

    /// <summary>
    /// authentik's <c>permission_required(perm)</c> on a token: the global permission, or the permission on a token the
    /// caller can see (404 when it cannot see it).
    /// </summary>
    private static async Task<IResult?> CheckObjectPermissionAsync(
        string identifier, string permission, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var actor = http.CurrentUser()!;
        if (await permissions.HasAsync(actor, permission, cancellationToken: cancellationToken))
        {
            return null;
        }
        var token = await FindAsync(identifier, http, db, permissions, cancellationToken);
        if (token is null)
        {
            return ApiErrors.NotFound("Token");
        }
        return await permissions.HasAsync(actor, permission, token.Id.ToString(), cancellationToken) ? null : ApiErrors.PermissionDenied();
    }

    /// <summary>authentik's ObjectPermissions for writes: the global permission, ownership, or the permission on the token.</summary>
    private static async Task<bool> MayAsync(Permissions permissions, User actor, string permission, Token token, CancellationToken cancellationToken) =>
        token.UserId == actor.Id || await permissions.HasAsync(actor, permission, token.Id.ToString(), cancellationToken);

    /// <summary>The token, when the caller may see it: with the global view permission any token, otherwise its own.</summary>
    private static async Task<Token?> FindAsync(
        string identifier, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken, bool tracked = false)
    {
        var scope = await ObjectScope.ForOwnedAsync(permissions, http.CurrentUser()!, ViewToken, cancellationToken);
        var query = Visible(db, scope).Where(t => t.Identifier == identifier).Include(t => t.User);
        return await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(cancellationToken);
    }

    private static IQueryable<Token> Visible(WardenDbContext db, ObjectScope scope) =>
        scope.All ? db.Tokens : db.Tokens.Where(t => t.UserId == scope.OwnerId);

    private readonly record struct Effective(TokenIntent Intent, int UserId, DateTime? Expires);

    /// <summary>
    /// The serializer's checks: field validators (unique identifier and managed, existing user that cannot change), then
    /// <c>validate()</c>: only API tokens and app passwords; an API token's expiry is always the default duration from
    /// now; an app password may not outlive the maximum lifetime set in the user's attributes.
    /// </summary>
    private static async Task<(Effective Values, IResult? Error)> ValidateAsync(
        WardenDbContext db, Body<TokenRequest> body, Token? existing, User actor, HttpContext http, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var errors = new ValidationErrors();
        if (body.Has("identifier")
            && await db.Tokens.AnyAsync(t => t.Identifier == request.Identifier && (existing == null || t.Id != existing.Id), cancellationToken))
        {
            errors.Add("identifier", "Token with this identifier already exists.");
        }
        if (body.Has("managed") && request.Managed is { } managed
            && await db.Tokens.AnyAsync(t => t.Managed == managed && (existing == null || t.Id != existing.Id), cancellationToken))
        {
            errors.Add("managed", "Token with this Managed by authentik already exists.");
        }
        User? user = null;
        if (body.Has("user"))
        {
            // The anonymous user never owns a token: a key for it would authenticate a request as "nobody".
            user = await db.Users.AsNoTracking()
                .FirstOrDefaultAsync(u => u.Id == request.User && u.Username != User.AnonymousUsername, cancellationToken);
            if (user is null)
            {
                errors.InvalidPk("user", request.User);
            }
            else if (existing is not null && existing.UserId != user.Id)
            {
                errors.Add("user", "User cannot be changed");
            }
        }
        if (!errors.IsValid)
        {
            return (default, errors.ToResult());
        }

        // Unlike authentik, an update keeps the token's own user and intent when the body omits them (authentik would
        // reassign the token to the caller and turn it into an API token).
        user ??= existing?.User ?? actor;
        var intent = body.Has("intent") ? TokenIntents.FromApi(request.Intent)!.Value : existing?.Intent ?? TokenIntent.Api;
        if (intent is not (TokenIntent.Api or TokenIntent.AppPassword))
        {
            return (default, ApiErrors.Field("intent", $"Invalid intent {intent.ToApi()}"));
        }
        var now = time.GetUtcNow().UtcDateTime;
        DateTime? expires = body.Has("expires") ? request.Expires : existing?.Expires;
        if (intent == TokenIntent.AppPassword)
        {
            var maximum = now + DefaultDuration;
            var attributes = await GroupAttributesAsync(db, user, http, cancellationToken);
            if (attributes[MaximumLifetimeAttribute] is JsonValue lifetime && lifetime.TryGetValue<string>(out var text)
                && PythonFormat.TimeDelta(text) is { } span)
            {
                maximum = now + span;
            }
            if (body.Has("expires") && request.Expires is { } requested && requested > maximum)
            {
                return (default, ApiErrors.Field("expires", $"Token expires exceeds maximum lifetime ({PythonFormat.DateTime(maximum)} UTC)."));
            }
        }
        else
        {
            // API tokens cannot choose their expiry.
            expires = now + DefaultDuration;
        }
        return (new Effective(intent, user.Id, expires), null);
    }

    /// <summary>authentik's <c>group_attributes</c> for a user: brand, groups (with parents) by name, then the user.</summary>
    private static async Task<JsonObject> GroupAttributesAsync(WardenDbContext db, User user, HttpContext http, CancellationToken cancellationToken)
    {
        var permissions = http.RequestServices.GetRequiredService<Permissions>();
        var closure = await permissions.GroupClosureAsync(user.Id, cancellationToken);
        var groups = await db.Groups.AsNoTracking().Where(g => closure.Contains(g.Id)).ToListAsync(cancellationToken);
        var merged = new JsonObject();
        if (await http.RequestServices.GetRequiredService<Brands.BrandResolver>().ResolveAsync(http, cancellationToken) is { } brand)
        {
            UserResponses.DeepMerge(merged, brand.Attributes);
        }
        foreach (var group in groups.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            UserResponses.DeepMerge(merged, group.Attributes);
        }
        UserResponses.DeepMerge(merged, user.Attributes);
        return merged;
    }

    /// <summary>The user's <c>goauthentik.io/user/token-expires</c> attribute, true unless it says otherwise.</summary>
    private static bool TokenExpiring(User user) => user.Attributes[UsersApi.TokenExpiringAttribute] switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s is not ("false" or "False" or "0" or "f" or "F" or ""),
        JsonValue v when v.TryGetValue<long>(out var n) => n != 0,
        _ => true,
    };

    /// <summary>Grants an object permission on the user's own managed role (<c>ak-managed-role--user-{pk}</c>).</summary>
    private static async Task GrantOnManagedRoleAsync(WardenDbContext db, User user, string permission, string objectPk, CancellationToken cancellationToken)
    {
        var name = $"ak-managed-role--user-{user.Id}";
        var role = await db.Set<Role>().Include(r => r.Users).FirstOrDefaultAsync(r => r.Name == name, cancellationToken);
        if (role is null)
        {
            role = new Role { Name = name };
            db.Set<Role>().Add(role);
        }
        if (!role.Users.Any(u => u.Id == user.Id))
        {
            role.Users.Add(user);
        }
        db.Set<RolePermission>().Add(new RolePermission { Role = role, Permission = permission, ObjectPk = objectPk });
    }

    private static async Task<IReadOnlyList<TokenResponse>> ResponsesAsync(
        List<Token> tokens, WardenDbContext db, UserResponses users, HttpRequest request, CancellationToken cancellationToken)
    {
        var ids = tokens.Select(t => t.UserId).Distinct().ToList();
        var owners = await UserResponses.WithRelations(db.Users.AsNoTracking()).Where(u => ids.Contains(u.Id)).ToListAsync(cancellationToken);
        var mapped = (await users.ManyAsync(owners, request, cancellationToken)).ToDictionary(u => u.Pk);
        return tokens.Select(t => new TokenResponse(
            t.Id, t.Managed, t.Identifier, t.Intent.ToApi(), t.UserId, mapped[t.UserId], t.Description, t.Expires, t.Expiring)).ToList();
    }

    /// <summary>DRF's search over identifier, intent, the owner's username and description: every term must match one.</summary>
    private static IQueryable<Token>? Search(IQueryable<Token> query, string[] values)
    {
        foreach (var term in values[^1].Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var lowered = term.ToLowerInvariant();
            var intents = IntentChoices.Where(i => i.Contains(lowered, StringComparison.Ordinal))
                .Select(i => TokenIntents.FromApi(i)!.Value).ToList();
#pragma warning disable CA1862 // Translated to SQL: lower(column) LIKE, as DRF's icontains.
            query = query.Where(t => t.Identifier.ToLower().Contains(lowered) || intents.Contains(t.Intent)
                || t.User.Username.ToLower().Contains(lowered) || t.Description.ToLower().Contains(lowered));
#pragma warning restore CA1862
        }
        return query;
    }

    /// <summary>django-filter's ChoiceFilter message for an unknown intent.</summary>
    private static IResult? InvalidIntentFilter(HttpRequest request)
    {
        var values = request.Query["intent"];
        var value = values.Count == 0 ? null : values[^1];
        return !string.IsNullOrEmpty(value) && TokenIntents.FromApi(value) is null
            ? ApiErrors.Field("intent", $"Select a valid choice. {value} is not one of the available choices.")
            : null;
    }

    private static async Task<bool> TrySaveAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
