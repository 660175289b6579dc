using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Events;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Core;

/// <summary>
/// authentik's <c>UserViewSet</c> (<c>/api/v3/core/users/</c>): list, CRUD, used_by, me, paths, set_password,
/// set_password_hash and service_account. The anonymous user is never listed, shown or changed.
/// </summary>
public static class UsersApi
{
    public const string ViewUser = "authentik_core.view_user";
    public const string AddUser = "authentik_core.add_user";
    public const string ChangeUser = "authentik_core.change_user";
    public const string DeleteUser = "authentik_core.delete_user";
    public const string ResetUserPassword = "authentik_core.reset_user_password";

    /// <summary>authentik's <c>USER_PATH_SERVICE_ACCOUNT</c>.</summary>
    public const string ServiceAccountPath = "goauthentik.io/service-accounts";

    /// <summary>authentik's <c>USER_ATTRIBUTE_TOKEN_EXPIRING</c>.</summary>
    public const string TokenExpiringAttribute = "goauthentik.io/user/token-expires";

    /// <summary>Django's UnicodeUsernameValidator, which authentik's partial and self user serializers document.</summary>
    public const string UsernamePattern = @"^[\w.@+-]+$";

    private static readonly string[] UserTypeChoices = ["internal", "external", "service_account", "internal_service_account"];

    /// <summary>Object permissions that name a user by pk; removed with the user, since SQLite may reuse the pk.</summary>
    private static readonly string[] UserObjectPermissions =
    [
        ViewUser, ChangeUser, DeleteUser, ResetUserPassword, "authentik_core.impersonate", "authentik_core.preview_user",
        "authentik_core.view_user_applications",
    ];

    [ApiSchema("UserRequest", Description = "User Serializer")]
    public sealed record UserRequest(
        [ApiField(MaxLength = 150)] string Username,
        [ApiField(AllowBlank = true, Description = "User's display name.")] string Name,
        bool IsActive = true,
        DateTime? LastLogin = null,
        [ApiField(PrimaryKey = true)] Guid[] Groups = null!,
        [ApiField(PrimaryKey = true)] Guid[] Roles = null!,
        [ApiField(MaxLength = 254, AllowBlank = true, Email = true)] string Email = null!,
        [ApiField(Dictionary = true)] JsonNode Attributes = null!,
        string Path = null!,
        [ApiField(Choices = new[] { "internal", "external", "service_account", "internal_service_account" }, EnumName = "UserTypeEnum")]
        string Type = null!);

    [ApiSchema("UserPasswordSetRequest", Description = "Payload to set a users' password directly")]
    public sealed record UserPasswordSetRequest(string Password);

    [ApiSchema("UserPasswordHashSetRequest", Description = "Payload to set a users' password hash directly")]
    public sealed record UserPasswordHashSetRequest(string Password);

    [ApiSchema("UserServiceAccountRequest", Description = "Payload to create a service account")]
    public sealed record UserServiceAccountRequest(
        string Name,
        bool CreateGroup = false,
        bool Expiring = true,
        [ApiField(Description = "If not provided, valid for 360 days")] DateTime Expires = default);

    [ApiSchema("UserServiceAccountResponse")]
    public sealed record UserServiceAccountResponse(
        string Username,
        string UserUid,
        int UserPk,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        string? GroupPk,
        string Token);

    /// <summary>authentik's <c>SessionUser</c>; <c>original</c> only appears while impersonating, which Warden does not offer, so it is never sent.</summary>
    [ApiSchema("SessionUser", Description = "Response for the /user/me endpoint, returns the currently active user (as `user` property)\nand, if this user is being impersonated, the original user in the `original` property.")]
    public sealed record SessionUser(
        UserSelfResponse User,
        IReadOnlyList<UserSelfResponse> Users,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        UserSelfResponse? Original = null);

    [ApiSchema("UserPath", ReadOnly = true)]
    public sealed record UserPath(IReadOnlyList<string> Paths);


    private static readonly ListQuery<User> Query = new ListQuery<User>()
        .Filter("username", u => u.Username)
        .Filter("email", u => u.Email)
        .Filter("name", u => u.Name)
        .Filter("is_active", u => u.IsActive)
        .Filter(new QueryParameter("is_superuser", QueryType.Bool), (q, v) => ParseBool(v[^1]) switch
        {
            // As authentik: membership of a group flagged is_superuser, directly.
            true => q.Where(u => u.Groups.Any(g => g.IsSuperuser)),
            false => q.Where(u => !u.Groups.Any(g => g.IsSuperuser)),
            null => q,
        })
        .Filter("uuid", u => u.Uuid)
        .Filter("path", u => u.Path)
        .Filter(new QueryParameter("path_startswith", QueryType.String), (q, v) =>
        {
            var prefix = v[^1];
            return q.Where(u => u.Path.StartsWith(prefix));
        })
        .Filter(new QueryParameter("type", QueryType.StringArray, EnumName: "UserTypeEnum", Choices: UserTypeChoices), (q, v) =>
        {
            var types = v.Select(UserTypes.FromApi).OfType<UserType>().ToList();
            return q.Where(u => types.Contains(u.Type));
        })
        .Filter(new QueryParameter("groups_by_name", QueryType.StringArray), (q, v) => q.Where(u => u.Groups.Any(g => v.Contains(g.Name))))
        .Filter(new QueryParameter("groups_by_pk", QueryType.UuidArray), (q, v) =>
        {
            var ids = v.Select(Guid.Parse).ToList();
            return q.Where(u => u.Groups.Any(g => ids.Contains(g.Id)));
        })
        .Filter(new QueryParameter("roles_by_name", QueryType.StringArray), (q, v) => q.Where(u => u.Roles.Any(r => v.Contains(r.Name))))
        .Filter(new QueryParameter("roles_by_pk", QueryType.UuidArray), (q, v) =>
        {
            var ids = v.Select(Guid.Parse).ToList();
            return q.Where(u => u.Roles.Any(r => ids.Contains(r.Id)));
        })
        .Filter("date_joined", u => u.DateJoined)
        .Filter(DateFilter("date_joined__gt"), (q, v) => Date(v) is { } d ? q.Where(u => u.DateJoined > d) : null)
        .Filter(DateFilter("date_joined__lt"), (q, v) => Date(v) is { } d ? q.Where(u => u.DateJoined < d) : null)
        .Filter("last_updated", u => u.LastUpdated)
        .Filter(DateFilter("last_updated__gt"), (q, v) => Date(v) is { } d ? q.Where(u => u.LastUpdated > d) : null)
        .Filter(DateFilter("last_updated__lt"), (q, v) => Date(v) is { } d ? q.Where(u => u.LastUpdated < d) : null)
        .Filter("last_login", u => u.LastLogin)
        .Filter(DateFilter("last_login__gt"), (q, v) => Date(v) is { } d ? q.Where(u => u.LastLogin > d) : null)
        .Filter(DateFilter("last_login__lt"), (q, v) => Date(v) is { } d ? q.Where(u => u.LastLogin < d) : null)
        .Filter(new QueryParameter("last_login__isnull", QueryType.Bool), (q, v) => ParseBool(v[^1]) switch
        {
            true => q.Where(u => u.LastLogin == null),
            false => q.Where(u => u.LastLogin != null),
            null => q,
        })
        .Search(u => u.Email, u => u.Name, u => u.Uuid.ToString(), u => u.Username)
        .Order("pk", u => u.Id)
        .Order("username", u => u.Username)
        .Order("name", u => u.Name)
        .Order("is_active", u => u.IsActive)
        .Order("last_login", u => u.LastLogin)
        .Order("date_joined", u => u.DateJoined)
        .Order("email", u => u.Email)
        .Order("path", u => u.Path)
        .Order("type", u => u.Type)
        .Order("uuid", u => u.Uuid)
        .Order("password_change_date", u => u.PasswordChangeDate)
        .Order("last_updated", u => u.LastUpdated)
        .DefaultOrder("username", "date_joined", "last_updated", "last_login");

    private static readonly QueryParameter[] IncludeParameters =
    [
        new("include_groups", QueryType.Bool),
        new("include_roles", QueryType.Bool),
    ];

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v3/core/users").RequireActor()
            .PathParameter("id", QueryType.Int, "A unique integer value identifying this User.");
        users.MapGet("/", List).Operation("core_users_list", "core", "User Viewset")
            .Query(Query.Parameters.Concat(IncludeParameters).Append(AttributesFilter.Parameter)).Response<Paginated<UserResponse>>();
        users.MapPost("/", Create).Operation("core_users_create", "core", "User Viewset")
            .Request<UserRequest>().Response<UserResponse>(StatusCodes.Status201Created);
        users.MapGet("/me/", Me).Operation("core_users_me_retrieve", "core", "Get information about current user")
            .Response<SessionUser>();
        users.MapGet("/paths/", Paths).Operation("core_users_paths_retrieve", "core", "Get all user paths")
            .Query([new QueryParameter("search", QueryType.String, "A search term.")]).Response<UserPath>();
        users.MapPost("/service_account/", ServiceAccount)
            .Operation("core_users_service_account_create", "core", "Create a new user account that is marked as a service account")
            .Request<UserServiceAccountRequest>().Response<UserServiceAccountResponse>();
        users.MapGet("/{id}/", Retrieve).Operation("core_users_retrieve", "core", "User Viewset").Response<UserResponse>();
        users.MapPut("/{id}/", Update).Operation("core_users_update", "core", "User Viewset")
            .Request<UserRequest>().Response<UserResponse>();
        users.MapPatch("/{id}/", PartialUpdate).Operation("core_users_partial_update", "core", "User Viewset")
            .Request<UserRequest>(partial: true, required: false).Response<UserResponse>();
        users.MapDelete("/{id}/", Destroy).Operation("core_users_destroy", "core", "User Viewset").NoContent();
        users.MapGet("/{id}/used_by/", UsedByList)
            .Operation("core_users_used_by_list", "core", "Get a list of all objects that use this object").Response<List<UsedByResponse>>();
        users.MapPost("/{id}/set_password/", SetPassword).Operation("core_users_set_password_create", "core", "Set password for user")
            .Request<UserPasswordSetRequest>().NoContent(description: "Successfully changed password").NoContent(400, "Bad request");
        users.MapPost("/{id}/set_password_hash/", SetPasswordHash)
            .Operation("core_users_set_password_hash_create", "core", "Set a user's password from a pre-hashed Django password value.")
            .Request<UserPasswordHashSetRequest>().NoContent(description: "Successfully changed password").NoContent(400, "Bad request");
        return app;
    }

    private static async Task<IResult> List(
        HttpContext http, WardenDbContext db, Permissions permissions, UserResponses responses, CancellationToken cancellationToken)
    {
        var scope = await ObjectScope.ForAsync(permissions, http.CurrentUser()!, ViewUser, cancellationToken);
        if (scope.Denied)
        {
            return ApiErrors.PermissionDenied();
        }
        if (await ValidateRelationFiltersAsync(http.Request, db, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var (visible, badAttributes) = await FilterAttributesAsync(Visible(db, scope), http.Request, cancellationToken);
        if (badAttributes is not null)
        {
            return badAttributes;
        }
        return await Query.ToPageAsync(
            UserResponses.WithRelations(visible!), http.Request,
            page => responses.ManyAsync(page, http.Request, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> Retrieve(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses responses, CancellationToken cancellationToken)
    {
        var (user, error) = await FindAsync(id, http, db, permissions, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        return TypedResults.Ok(await responses.OneAsync(user!, http.Request, cancellationToken));
    }

    private static async Task<IResult> Create(
        HttpContext http, WardenDbContext db, Permissions permissions, UserResponses responses, PasswordHasher hasher, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!await permissions.HasAsync(http.CurrentUser(), AddUser, cancellationToken: cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<UserRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (await ValidateAsync(db, body, null, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var user = new User
        {
            // A user created through the API has no password until one is set.
            Password = PasswordHasher.Unusable(),
            DateJoined = now,
            PasswordChangeDate = now,
            LastUpdated = now,
        };
        await ApplyAsync(db, user, body, partial: false, cancellationToken);
        db.Users.Add(user);
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return ApiErrors.Field("username", "This field must be unique.");
        }
        var created = await UserResponses.WithRelations(db.Users.AsNoTracking()).SingleAsync(u => u.Id == user.Id, cancellationToken);
        return TypedResults.Json(await responses.OneAsync(created, http.Request, cancellationToken), ApiJson.Options,
            statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses responses, TimeProvider time,
        CancellationToken cancellationToken) =>
        WriteAsync(id, BodyMode.Full, http, db, permissions, responses, time, cancellationToken);

    private static Task<IResult> PartialUpdate(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses responses, TimeProvider time,
        CancellationToken cancellationToken) =>
        WriteAsync(id, BodyMode.Partial, http, db, permissions, responses, time, cancellationToken);

    private static async Task<IResult> WriteAsync(
        string id, BodyMode mode, HttpContext http, WardenDbContext db, Permissions permissions, UserResponses responses, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (user, error) = await FindAsync(id, http, db, permissions, cancellationToken, tracked: true);
        if (error is not null)
        {
            return error;
        }
        if (!await permissions.HasAsync(http.CurrentUser(), ChangeUser, Pk(user!), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<UserRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (await ValidateAsync(db, body, user, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        await ApplyAsync(db, user!, body, partial: mode == BodyMode.Partial, cancellationToken);
        user!.LastUpdated = time.GetUtcNow().UtcDateTime;
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return ApiErrors.Field("username", "This field must be unique.");
        }
        if (!user.IsActive)
        {
            // A deactivated user's browsers are logged out at once (authentik does this on PATCH; Warden on every update).
            await UserSessions.EndAsync(db, user.Id, null, cancellationToken);
        }
        var updated = await UserResponses.WithRelations(db.Users.AsNoTracking()).SingleAsync(u => u.Id == user.Id, cancellationToken);
        return TypedResults.Ok(await responses.OneAsync(updated, http.Request, cancellationToken));
    }

    private static async Task<IResult> Destroy(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var (user, error) = await FindAsync(id, http, db, permissions, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var pk = Pk(user!);
        if (!await permissions.HasAsync(http.CurrentUser(), DeleteUser, pk, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Sessions first, so no browser of this user survives; tokens and memberships go by cascade.
        await UserSessions.EndAsync(db, user!.Id, null, cancellationToken);
        await db.Set<RolePermission>().Where(p => p.ObjectPk == pk && UserObjectPermissions.Contains(p.Permission))
            .ExecuteDeleteAsync(cancellationToken);
        await db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UsedByList(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        // As authentik: used_by applies no object filter, only the object's existence; what it lists is filtered
        // by the caller's view permission on each referencing model.
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            return ApiErrors.Detail(StatusCodes.Status404NotFound, "Not found.");
        }
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.Username != User.AnonymousUsername, cancellationToken);
        if (user is null)
        {
            return ApiErrors.NotFound("User");
        }
        var actor = http.CurrentUser()!;
        var result = new List<UsedByResponse>();

        var sessionScope = await permissions.ObjectScopeAsync(actor, AuthenticatedSessionsApi.ViewSession, cancellationToken);
        var sessions = await db.AuthenticatedSessions.AsNoTracking().Where(a => a.UserId == user.Id)
            .Select(a => a.Uuid).ToListAsync(cancellationToken);
        // The pk of an authenticated session is its session key in authentik; Warden names it by its uuid so that
        // no session key ever leaves the server.
        result.AddRange(sessions.Where(s => sessionScope is null || sessionScope.Contains(s.ToString()))
            .OrderBy(s => s).Select(s => new UsedByResponse("authentik_core", "authenticatedsession", s.ToString(),
                $"Authenticated Session {s.ToString()[..10]}", "cascade")));

        var groupScope = await permissions.ObjectScopeAsync(actor, "authentik_core.view_group", cancellationToken);
        var groups = await db.Groups.AsNoTracking().Where(g => g.Users.Any(u => u.Id == user.Id))
            .Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken);
        result.AddRange(groups.Where(g => groupScope is null || groupScope.Contains(g.Id.ToString()))
            .OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => new UsedByResponse("authentik_core", "group", g.Id.ToString(), $"Group {g.Name}", "cascade_many")));

        var roleScope = await permissions.ObjectScopeAsync(actor, "authentik_rbac.view_role", cancellationToken);
        var roles = await db.Set<Role>().AsNoTracking().Where(r => r.Users.Any(u => u.Id == user.Id))
            .Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken);
        result.AddRange(roles.Where(r => roleScope is null || roleScope.Contains(r.Id.ToString()))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new UsedByResponse("authentik_rbac", "role", r.Id.ToString(), $"Role {r.Name}", "cascade_many")));
        return TypedResults.Ok(result);
    }

    private static async Task<IResult> Me(HttpContext http, UserResponses responses, CancellationToken cancellationToken)
    {
        // Every authenticated user may read itself, whatever its permissions.
        var user = http.CurrentUser()!;
        var self = await responses.SelfAsync(user, user, http, cancellationToken);
        return TypedResults.Ok(new SessionUser(self, [self]));
    }

    private static async Task<IResult> Paths(HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var scope = await ObjectScope.ForAsync(permissions, http.CurrentUser()!, ViewUser, cancellationToken);
        if (scope.Denied)
        {
            return ApiErrors.PermissionDenied();
        }
        if (await ValidateRelationFiltersAsync(http.Request, db, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var (visible, badAttributes) = await FilterAttributesAsync(Visible(db, scope), http.Request, cancellationToken);
        if (badAttributes is not null)
        {
            return badAttributes;
        }
        var (query, error) = Query.Apply(visible!, http.Request);
        if (error is not null)
        {
            return error;
        }
        var paths = await query!.Select(u => u.Path).Distinct().ToListAsync(cancellationToken);
        return TypedResults.Ok(new UserPath(paths.Order(StringComparer.Ordinal).ToList()));
    }

    private static async Task<IResult> SetPassword(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, PasswordHasher hasher, TimeProvider time, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (await CheckResetPermissionAsync(id, http, db, permissions, cancellationToken) is { } denied)
        {
            return denied;
        }
        var body = await ApiBody.ReadAsync<UserPasswordSetRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        return await ChangePasswordAsync(id, hasher.Hash(body.Value.Password), http, db, permissions, time, audit, cancellationToken);
    }

    private static async Task<IResult> SetPasswordHash(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, TimeProvider time, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (await CheckResetPermissionAsync(id, http, db, permissions, cancellationToken) is { } denied)
        {
            return denied;
        }
        var body = await ApiBody.ReadAsync<UserPasswordHashSetRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        // Only hashes Warden can verify are stored: a hash it could not check would lock the user out silently.
        if (!PasswordHasher.IsValidHash(body.Value.Password))
        {
            return ApiErrors.Field("password", "Invalid password hash format. Must be a valid Django password hash.");
        }
        return await ChangePasswordAsync(id, body.Value.Password, http, db, permissions, time, audit, cancellationToken);
    }

    /// <summary>
    /// authentik's <c>permission_required("authentik_core.reset_user_password")</c>: the global permission, or the
    /// permission on a user the caller can see (403 when it can see no user, 404 when not this one).
    /// </summary>
    private static async Task<IResult?> CheckResetPermissionAsync(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        var actor = http.CurrentUser()!;
        if (await permissions.HasAsync(actor, ResetUserPassword, cancellationToken: cancellationToken))
        {
            return null;
        }
        var (user, error) = await FindAsync(id, http, db, permissions, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        return await permissions.HasAsync(actor, ResetUserPassword, Pk(user!), cancellationToken) ? null : ApiErrors.PermissionDenied();
    }

    private static async Task<IResult> ChangePasswordAsync(
        string id, string encoded, HttpContext http, WardenDbContext db, Permissions permissions, TimeProvider time, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var (user, error) = await FindAsync(id, http, db, permissions, cancellationToken, tracked: true);
        if (error is not null)
        {
            return error;
        }
        var now = time.GetUtcNow().UtcDateTime;
        user!.Password = encoded;
        user.PasswordChangeDate = now;
        user.LastUpdated = now;
        await db.SaveChangesAsync(cancellationToken);
        // Django invalidates every other session of the user when its password changes; the caller's own session
        // survives when it changed its own password.
        var identity = http.Identity();
        var keep = identity.AuthenticatedBy == AuthenticatedBy.Session && identity.User?.Id == user.Id ? identity.Session?.SessionKey : null;
        await UserSessions.EndAsync(db, user.Id, keep, cancellationToken);
        await audit.WriteAsync(http, EventActions.PasswordSet, [], app: "authentik.events.signals", actor: user, cancellationToken: cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ServiceAccount(
        HttpContext http, WardenDbContext db, Permissions permissions, Installation installation, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = http.CurrentUser()!;
        if (!await permissions.HasAsync(actor, AddUser, cancellationToken: cancellationToken)
            || !await permissions.HasAsync(actor, TokensApi.AddToken, cancellationToken: cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<UserServiceAccountRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var request = body.Value;
        var username = request.Name;
        if (username.Length > 150)
        {
            return ApiErrors.Field("name", "Ensure this field has no more than 150 characters.");
        }
        if (await db.Users.AnyAsync(u => u.Username == username, cancellationToken))
        {
            return ApiErrors.Field("name", "This field must be unique.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var identifier = Slug.Of($"service-account-{username}-password");
        var createGroup = request.CreateGroup && await permissions.HasAsync(actor, "authentik_core.add_group", cancellationToken: cancellationToken);
        if (await db.Tokens.AnyAsync(t => t.Identifier == identifier, cancellationToken)
            || (createGroup && await db.Groups.AnyAsync(g => g.Name == username, cancellationToken)))
        {
            return ApiErrors.NonField("A user/group with these details already exists");
        }
        var user = new User
        {
            Username = username,
            Name = username,
            Type = UserType.ServiceAccount,
            Attributes = new JsonObject { [TokenExpiringAttribute] = request.Expiring },
            Path = ServiceAccountPath,
            Password = PasswordHasher.Unusable(),
            DateJoined = now,
            PasswordChangeDate = now,
            LastUpdated = now,
        };
        Group? group = null;
        if (createGroup)
        {
            group = new Group { Name = username };
            group.NumPk = GroupNumbers.NumPk(group.Id);
            group.Users.Add(user);
            db.Groups.Add(group);
        }
        var token = new Token
        {
            Identifier = identifier,
            Key = TokensApi.NewKey(),
            Intent = TokenIntent.AppPassword,
            User = user,
            Expires = body.Has("expires") ? request.Expires : now.AddDays(360),
            Expiring = request.Expiring,
        };
        db.Users.Add(user);
        db.Tokens.Add(token);
        // One SaveChanges: the user, its group and its token are created together or not at all.
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return ApiErrors.NonField("A user/group with these details already exists");
        }
        return TypedResults.Ok(new UserServiceAccountResponse(
            user.Username, Installation.Uid(user.Id, await installation.IdAsync(cancellationToken)), user.Id, group?.Id.ToString(), token.Key));
    }

    /// <summary>
    /// authentik's get_object for a user: 403 when the caller may see no user at all, 404 (<c>No User matches the given
    /// query.</c>) when it may not see this one, or when it does not exist (or is the anonymous user).
    /// </summary>
    private static async Task<(User? User, IResult? Error)> FindAsync(
        string id, HttpContext http, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken, bool tracked = false)
    {
        var scope = await ObjectScope.ForAsync(permissions, http.CurrentUser()!, ViewUser, cancellationToken);
        if (scope.Denied)
        {
            return (null, ApiErrors.PermissionDenied());
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            // Django rejects a non-numeric pk before querying: DRF's bare "Not found.".
            return (null, ApiErrors.Detail(StatusCodes.Status404NotFound, "Not found."));
        }
        var query = UserResponses.WithRelations(Visible(db, scope).Where(u => u.Id == userId));
        var user = await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(cancellationToken);
        return user is null ? (null, ApiErrors.NotFound("User")) : (user, null);
    }

    /// <summary>Every user but the anonymous one, limited to what the caller may view.</summary>
    private static IQueryable<User> Visible(WardenDbContext db, ObjectScope scope)
    {
        var users = db.Users.Where(u => u.Username != User.AnonymousUsername);
        if (scope.All)
        {
            return users;
        }
        var ids = scope.Pks!.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1)
            .Where(i => i > 0).ToList();
        return users.Where(u => ids.Contains(u.Id));
    }

    private static string Pk(User user) => user.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The serializer's field validators (uniqueness, references, path, type) and its object validation.</summary>
    private static async Task<IResult?> ValidateAsync(WardenDbContext db, Body<UserRequest> body, User? existing, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var errors = new ValidationErrors();
        if (body.Has("username"))
        {
            var username = request.Username;
            if (await db.Users.AnyAsync(u => u.Username == username && (existing == null || u.Id != existing.Id), cancellationToken))
            {
                errors.Add("username", "This field must be unique.");
            }
        }
        if (body.Has("groups"))
        {
            var ids = request.Groups.Distinct().ToList();
            var found = await db.Groups.Where(g => ids.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken);
            if (request.Groups.Where(g => !found.Contains(g)).Cast<Guid?>().FirstOrDefault() is { } missing)
            {
                errors.InvalidPk("groups", missing);
            }
        }
        if (body.Has("roles"))
        {
            var ids = request.Roles.Distinct().ToList();
            var found = await db.Set<Role>().Where(r => ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
            if (request.Roles.Where(r => !found.Contains(r)).Cast<Guid?>().FirstOrDefault() is { } missing)
            {
                errors.InvalidPk("roles", missing);
            }
        }
        if (body.Has("attributes") && request.Attributes is not JsonObject)
        {
            errors.Add("attributes", "Value must be a dictionary, and not have any duplicate keys.");
        }
        if (body.Has("path"))
        {
            var path = request.Path;
            if (path.StartsWith('/') || path.EndsWith('/'))
            {
                errors.Add("path", "No leading or trailing slashes allowed.");
            }
            else if (path.Split('/').Any(s => s.Length == 0))
            {
                errors.Add("path", "No empty segments in user path allowed.");
            }
        }
        if (body.Has("type"))
        {
            // internal_service_account is for users Warden manages itself (authentik's outposts).
            if (existing is { Type: UserType.InternalServiceAccount } && request.Type != "internal_service_account")
            {
                errors.Add("type", "Can't change internal service account to other user type.");
            }
            else if (existing is null && request.Type == "internal_service_account")
            {
                errors.Add("type", "Setting a user to internal service account is not allowed.");
            }
        }
        if (!errors.IsValid)
        {
            return errors.ToResult();
        }
        if (existing is { Type: UserType.InternalServiceAccount })
        {
            return ApiErrors.NonField("Can't modify internal service account users");
        }
        return null;
    }

    /// <summary>
    /// Applies the sent fields. As in DRF, a full update (and a create) that omits <c>groups</c> or <c>roles</c> sets them
    /// to their default, the empty list.
    /// </summary>
    private static async Task ApplyAsync(WardenDbContext db, User user, Body<UserRequest> body, bool partial, CancellationToken cancellationToken)
    {
        var r = body.Value;
        if (body.Has("username")) user.Username = r.Username;
        if (body.Has("name")) user.Name = r.Name;
        if (body.Has("is_active")) user.IsActive = r.IsActive;
        if (body.Has("last_login")) user.LastLogin = r.LastLogin;
        if (body.Has("email")) user.Email = r.Email;
        if (body.Has("attributes")) user.Attributes = (JsonObject)r.Attributes.DeepClone();
        if (body.Has("path")) user.Path = r.Path;
        if (body.Has("type")) user.Type = UserTypes.FromApi(r.Type)!.Value;
        if (body.Has("groups") || !partial)
        {
            var ids = body.Has("groups") ? r.Groups.Distinct().ToList() : [];
            var groups = await db.Groups.Where(g => ids.Contains(g.Id)).ToListAsync(cancellationToken);
            user.Groups.Clear();
            user.Groups.AddRange(groups);
        }
        if (body.Has("roles") || !partial)
        {
            var ids = body.Has("roles") ? r.Roles.Distinct().ToList() : [];
            var roles = await db.Set<Role>().Where(x => ids.Contains(x.Id)).ToListAsync(cancellationToken);
            user.Roles.Clear();
            user.Roles.AddRange(roles);
        }
    }

    /// <summary>Saves; false when a unique constraint was violated by a concurrent request.</summary>
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

    /// <summary>authentik's <c>attributes</c> filter (see <see cref="AttributesFilter"/>) over the users the caller may see.</summary>
    private static async Task<(IQueryable<User>? Query, IResult? Error)> FilterAttributesAsync(
        IQueryable<User> query, HttpRequest request, CancellationToken cancellationToken)
    {
        var (wanted, invalid) = AttributesFilter.Parse(request);
        if (wanted is null)
        {
            return (invalid is null ? query : null, invalid);
        }
        var candidates = await query.Select(u => new { u.Id, u.Attributes }).ToListAsync(cancellationToken);
        var matching = candidates.Where(c => AttributesFilter.Matches(c.Attributes, wanted)).Select(c => c.Id).ToList();
        return (query.Where(u => matching.Contains(u.Id)), null);
    }

    /// <summary>
    /// django-filter's messages for the multiple-choice filters, which need the database: unknown group or role
    /// names and keys, and user types.
    /// </summary>
    private static async Task<IResult?> ValidateRelationFiltersAsync(HttpRequest request, WardenDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        foreach (var type in Values(request, "type"))
        {
            if (!UserTypeChoices.Contains(type))
            {
                errors.Add("type", $"Select a valid choice. {type} is not one of the available choices.");
                break;
            }
        }
        var groupNames = Values(request, "groups_by_name");
        if (groupNames.Count > 0)
        {
            var known = await db.Groups.Where(g => groupNames.Contains(g.Name)).Select(g => g.Name).ToListAsync(cancellationToken);
            if (groupNames.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            {
                errors.Add("groups_by_name", $"Select a valid choice. {unknown} is not one of the available choices.");
            }
        }
        if (await InvalidKeysAsync(Values(request, "groups_by_pk"), ids => db.Groups.Where(g => ids.Contains(g.Id)).Select(g => g.Id), cancellationToken) is { } groupError)
        {
            errors.Add("groups_by_pk", groupError);
        }
        var roleNames = Values(request, "roles_by_name");
        if (roleNames.Count > 0)
        {
            var known = await db.Set<Role>().Where(r => roleNames.Contains(r.Name)).Select(r => r.Name).ToListAsync(cancellationToken);
            if (roleNames.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            {
                errors.Add("roles_by_name", $"Select a valid choice. {unknown} is not one of the available choices.");
            }
        }
        if (await InvalidKeysAsync(Values(request, "roles_by_pk"), ids => db.Set<Role>().Where(r => ids.Contains(r.Id)).Select(r => r.Id), cancellationToken) is { } roleError)
        {
            errors.Add("roles_by_pk", roleError);
        }
        return errors.IsValid ? null : errors.ToResult();
    }

    private static async Task<string?> InvalidKeysAsync(
        List<string> values, Func<List<Guid>, IQueryable<Guid>> existing, CancellationToken cancellationToken)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var ids = new List<Guid>();
        foreach (var value in values)
        {
            if (!Guid.TryParse(value, out var id))
            {
                return $"“{value}” is not a valid value.";
            }
            ids.Add(id);
        }
        var found = await existing(ids).ToListAsync(cancellationToken);
        var missing = values.FirstOrDefault(v => !found.Contains(Guid.Parse(v)));
        return missing is null ? null : $"Select a valid choice. {missing} is not one of the available choices.";
    }

    private static List<string> Values(HttpRequest request, string name) =>
        request.Query[name].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();

    private static QueryParameter DateFilter(string name) => new(name, QueryType.DateTime);

    private static DateTime? Date(string[] values) =>
        DateTimeOffset.TryParse(values[^1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.UtcDateTime : null;

    /// <summary>django-filter's BooleanFilter: other values are ignored.</summary>
    private static bool? ParseBool(string value) => value switch
    {
        "true" or "True" or "1" => true,
        "false" or "False" or "0" => false,
        _ => null,
    };
}
