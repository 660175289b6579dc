using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;

namespace Warden.Rbac;

/// <summary>authentik's role viewset, <c>/api/v3/rbac/roles/</c> (authentik/rbac/api/roles.py).</summary>
public static class RolesApi
{
    public const string ViewPermission = "authentik_rbac.view_role";
    public const string AddPermission = "authentik_rbac.add_role";
    public const string ChangePermission = "authentik_rbac.change_role";
    public const string DeletePermission = "authentik_rbac.delete_role";

    private const string Tag = "rbac";
    private const string Description = "Role viewset";
    private const string ModelName = "Role";

    private static readonly ListQuery<Role> Query = new ListQuery<Role>()
        .Filter("name", r => r.Name)
        .Filter(new QueryParameter("managed__isnull", QueryType.Bool), (q, values) => values[0] switch
        {
            "true" or "True" or "1" => q.Where(r => r.Managed == null),
            "false" or "False" or "0" => q.Where(r => r.Managed != null),
            _ => q,
        })
        .Search(r => r.Name)
        .Order("pk", r => r.Id)
        .Order("name", r => r.Name)
        .DefaultOrder("name");

    /// <summary>Filters applied by the handler itself (they need the database or have their own messages).</summary>
    private static readonly QueryParameter[] HandlerParameters =
    [
        new("groups", QueryType.Uuid),
        new("inherited", QueryType.Bool, "Include inherited roles (requires users or groups filter)"),
        new("managed", QueryType.StringArray),
        new("users", QueryType.Int),
    ];

    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder app)
    {
        var roles = app.MapGroup("/api/v3/rbac/roles").RequireActor().PathParameter("uuid", QueryType.Uuid, "A UUID string identifying this Role.");
        roles.MapGet("/", List)
            .Operation("rbac_roles_list", Tag, Description)
            .Query(Query.Parameters.Concat(HandlerParameters))
            .Response<Paginated<RoleResponse>>();
        roles.MapPost("/", Create)
            .Operation("rbac_roles_create", Tag, Description)
            .Request<RoleRequest>()
            .Response<RoleResponse>(StatusCodes.Status201Created);
        roles.MapGet("/{uuid}/", Retrieve)
            .Operation("rbac_roles_retrieve", Tag, Description)
            .Response<RoleResponse>();
        roles.MapPut("/{uuid}/", Update)
            .Operation("rbac_roles_update", Tag, Description)
            .Request<RoleRequest>()
            .Response<RoleResponse>();
        roles.MapPatch("/{uuid}/", PartialUpdate)
            .Operation("rbac_roles_partial_update", Tag, Description)
            .Request<RoleRequest>(partial: true, required: false)
            .Response<RoleResponse>();
        roles.MapDelete("/{uuid}/", Destroy)
            .Operation("rbac_roles_destroy", Tag, Description)
            .NoContent();
        roles.MapPost("/{uuid}/add_user/", AddUser)
            .Operation("rbac_roles_add_user_create", Tag, "Add user to role")
            .Request<UserAccountSerializerForRoleRequest>()
            .NoContent(description: "User added")
            .NoContent(StatusCodes.Status404NotFound, "User not found");
        roles.MapPost("/{uuid}/remove_user/", RemoveUser)
            .Operation("rbac_roles_remove_user_create", Tag, "Remove user from role")
            .Request<UserAccountSerializerForRoleRequest>()
            .NoContent(description: "User removed")
            .NoContent(StatusCodes.Status404NotFound, "User not found");
        roles.MapGet("/{uuid}/used_by/", UsedBy)
            .Operation("rbac_roles_used_by_list", Tag, "Get a list of all objects that use this object")
            .Response<List<UsedByResponse>>();
        return app;
    }

    [ApiSchema("Role", Description = "Role serializer")]
    public sealed record RoleResponse(Guid Pk, string Name);

    [ApiSchema("RoleRequest", Description = "Role serializer")]
    public sealed record RoleRequest([ApiField(MinLength = 1)] string Name);

    [ApiSchema("UserAccountSerializerForRoleRequest", Description = "Account adding/removing operations")]
    public sealed record UserAccountSerializerForRoleRequest(int Pk);

    public static RoleResponse ToResponse(Role role) => new(role.Id, role.Name);

    /// <summary>How authentik stores a role's key in object permissions (<c>str(uuid)</c>).</summary>
    public static string ObjectPk(Guid id) => id.ToString();

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, ObjectAccess access, Permissions permissions, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var visible = await access.VisibleAsync(user, ViewPermission, db.Set<Role>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, r => r.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        var (filtered, error) = await HandlerFiltersAsync(db, permissions, visible, http.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        return await Query.ToPageAsync(filtered!, http.Request, ToResponse, cancellationToken);
    }

    /// <summary>
    /// RoleFilterSet's managed (any of the values; each must be a value some role has), users and groups (direct
    /// holders, or with inherited=true every role the user or group holds, also through groups and their parents).
    /// authentik answers an inherited filter with all of that user's roles; here it narrows the roles the caller
    /// may view, so it cannot show roles the caller could not list otherwise.
    /// </summary>
    private static async Task<(IQueryable<Role>? Query, IResult? Error)> HandlerFiltersAsync(
        WardenDbContext db, Permissions permissions, IQueryable<Role> query, HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var managed = request.Query["managed"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (managed.Count > 0)
        {
            var existing = await db.Set<Role>().Where(r => r.Managed != null && managed.Contains(r.Managed)).Select(r => r.Managed!).ToListAsync(cancellationToken);
            var missing = managed.FirstOrDefault(m => !existing.Contains(m, StringComparer.Ordinal));
            if (missing is not null)
            {
                errors.Add("managed", $"Select a valid choice. {missing} is not one of the available choices.");
            }
            else
            {
                query = query.Where(r => r.Managed != null && managed.Contains(r.Managed));
            }
        }
        var inherited = string.Equals(request.Query["inherited"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var usersRaw = request.Query["users"].ToString();
        if (usersRaw.Length > 0)
        {
            if (!decimal.TryParse(usersRaw, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
            {
                errors.Add("users", "Enter a number.");
            }
            else
            {
                var userId = number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue ? (int)number : (int?)null;
                var holder = userId is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
                if (holder is null)
                {
                    query = query.Where(_ => false);
                }
                else if (inherited)
                {
                    var groups = await permissions.GroupClosureAsync(holder.Id, cancellationToken);
                    query = query.Where(r => r.Users.Any(u => u.Id == holder.Id) || r.Groups.Any(g => groups.Contains(g.Id)));
                }
                else
                {
                    query = query.Where(r => r.Users.Any(u => u.Id == holder.Id));
                }
            }
        }
        var groupsRaw = request.Query["groups"].ToString();
        if (groupsRaw.Length > 0)
        {
            if (!Guid.TryParse(groupsRaw, out var groupId))
            {
                errors.Add("groups", "Enter a valid UUID.");
            }
            else if (!await db.Groups.AnyAsync(g => g.Id == groupId, cancellationToken))
            {
                query = query.Where(_ => false);
            }
            else if (inherited)
            {
                var groups = await GroupHierarchy.WithAncestorsAsync(db, [groupId], cancellationToken);
                query = query.Where(r => r.Groups.Any(g => groups.Contains(g.Id)));
            }
            else
            {
                query = query.Where(r => r.Groups.Any(g => g.Id == groupId));
            }
        }
        return errors.IsValid ? (query, null) : (null, errors.ToResult());
    }

    private static async Task<IResult> Retrieve(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var (role, error) = await FindAsync(http, db, access, id, cancellationToken);
        return error ?? TypedResults.Json(ToResponse(role!), ApiJson.Options);
    }

    private static async Task<IResult> Create(
        HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await access.CanGloballyAsync(http.CurrentUser()!, AddPermission, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<RoleRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (await db.Set<Role>().AnyAsync(r => r.Name == body.Value.Name, cancellationToken))
        {
            return ApiErrors.Field("name", "Role with this name already exists.");
        }
        var role = new Role { Name = body.Value.Name };
        db.Add(role);
        if (await NameRaceAsync(db, role, cancellationToken) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(role), cancellationToken);
        return TypedResults.Json(ToResponse(role), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Full, cancellationToken);

    private static Task<IResult> PartialUpdate(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
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
        var body = await ApiBody.ReadAsync<RoleRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (body.Has("name") && await db.Set<Role>().AnyAsync(r => r.Name == body.Value.Name && r.Id != found.Id, cancellationToken))
        {
            return ApiErrors.Field("name", "Role with this name already exists.");
        }
        var role = await db.Set<Role>().FirstAsync(r => r.Id == found.Id, cancellationToken);
        if (body.Has("name"))
        {
            role.Name = body.Value.Name;
        }
        if (await NameRaceAsync(db, role, cancellationToken) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(role), cancellationToken);
        return TypedResults.Json(ToResponse(role), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var (role, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePermission, ObjectPk(role!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        // The role's grants, user and group links go with it (cascading foreign keys).
        await db.Set<Role>().Where(r => r.Id == role.Id).ExecuteDeleteAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(role), cancellationToken);
        return TypedResults.NoContent();
    }

    private static Task<IResult> AddUser(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access,
        CancellationToken cancellationToken) =>
        MembershipAsync(id, http, db, access, add: true, cancellationToken);

    private static Task<IResult> RemoveUser(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access,
        CancellationToken cancellationToken) =>
        MembershipAsync(id, http, db, access, add: false, cancellationToken);

    /// <summary>
    /// add_user / remove_user need change_role (globally, or on this role); the user must be one the caller may
    /// view, an invisible user is the same 404 as a missing one. authentik records no event for role members.
    /// </summary>
    private static async Task<IResult> MembershipAsync(
        string id, HttpContext http, WardenDbContext db, ObjectAccess access, bool add, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var roleId = Guid.TryParse(id, out var parsed) ? parsed : (Guid?)null;
        if (!await access.CanGloballyAsync(user, ChangePermission, cancellationToken))
        {
            if (roleId is null)
            {
                return ObjectAccess.NotFound();
            }
            if (!await db.Set<Role>().AnyAsync(r => r.Id == roleId, cancellationToken))
            {
                return ApiErrors.NotFound(ModelName);
            }
            if (!await access.CanAsync(user, ChangePermission, ObjectPk(roleId.Value), cancellationToken))
            {
                return ApiErrors.PermissionDenied();
            }
        }
        var body = await ApiBody.ReadAsync<UserAccountSerializerForRoleRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (roleId is null)
        {
            return ObjectAccess.NotFound();
        }
        var role = await db.Set<Role>().Include(r => r.Users.Where(u => u.Id == body.Value.Pk))
            .FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return ApiErrors.NotFound(ModelName);
        }
        var users = await access.ObjectsForUserAsync(user, "authentik_core.view_user", db.Users,
            (q, pks) => ObjectAccess.ByInt(q, pks, u => u.Id), cancellationToken);
        var target = await users.FirstOrDefaultAsync(u => u.Id == body.Value.Pk, cancellationToken);
        if (target is null)
        {
            return ObjectAccess.NotFound();
        }
        if (add && role.Users.Count == 0)
        {
            role.Users.Add(target);
        }
        else if (!add)
        {
            role.Users.Remove(target);
        }
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UsedBy(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access,
        CancellationToken cancellationToken)
    {
        // As authentik's used_by: the role only has to exist; what is listed is narrowed to what the caller may view.
        if (!Guid.TryParse(id, out var roleId))
        {
            return ObjectAccess.NotFound();
        }
        if (!await db.Set<Role>().AnyAsync(r => r.Id == roleId, cancellationToken))
        {
            return ApiErrors.NotFound(ModelName);
        }
        var user = http.CurrentUser()!;
        var result = new List<UsedByResponse>();
        // In authentik's order (the model's related managers by name): groups, users.
        var groups = await access.ObjectsForUserAsync(user, GroupsApi.ViewPermission, db.Groups.AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, g => g.Id), cancellationToken);
        var holders = await groups.Where(g => g.Roles.Any(r => r.Id == roleId)).OrderBy(g => g.Name).ToListAsync(cancellationToken);
        result.AddRange(holders.Select(g => new UsedByResponse("authentik_core", "group", g.Id.ToString(), $"Group {g.Name}", UsedByActions.CascadeMany)));
        var users = await access.ObjectsForUserAsync(user, "authentik_core.view_user", db.Users.AsNoTracking(),
            (q, pks) => ObjectAccess.ByInt(q, pks, u => u.Id), cancellationToken);
        var members = await users.Where(u => u.Roles.Any(r => r.Id == roleId)).OrderBy(u => u.Id).ToListAsync(cancellationToken);
        result.AddRange(members.Select(u => new UsedByResponse("authentik_core", "user", u.Id.ToString(CultureInfo.InvariantCulture), u.Username, UsedByActions.CascadeMany)));
        return TypedResults.Json(result, ApiJson.Options);
    }

    private static Task<(Role? Role, IResult? Error)> FindAsync(
        HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<Role, bool>>? match =
            Guid.TryParse(id, out var roleId) ? r => r.Id == roleId : null;
        return access.FindAsync(http.CurrentUser(), ViewPermission, db.Set<Role>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, r => r.Id), match, ModelName, cancellationToken);
    }

    /// <summary>
    /// Saves, turning a unique-name violation by a concurrent request (after validation passed) into the same 400
    /// validation would have given, rather than a 500.
    /// </summary>
    private static async Task<IResult?> NameRaceAsync(WardenDbContext db, Role role, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            if (await db.Set<Role>().AsNoTracking().AnyAsync(r => r.Name == role.Name && r.Id != role.Id, cancellationToken))
            {
                return ApiErrors.Field("name", "Role with this name already exists.");
            }
            throw;
        }
    }

    private static JsonObject EventModel(Role role) => ModelEvents.Model("authentik_rbac", "role", role.Id, role.Name);
}
