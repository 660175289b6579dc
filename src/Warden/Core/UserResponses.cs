using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Brands;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Core;

/// <summary>authentik's <c>User</c> serializer output.</summary>
[ApiSchema("User", Description = "User Serializer")]
public sealed record UserResponse(
    int Pk,
    string Username,
    string Name,
    bool IsActive,
    DateTime? LastLogin,
    DateTime DateJoined,
    bool IsSuperuser,
    IReadOnlyList<Guid> Groups,
    IReadOnlyList<UserResponse.PartialGroup>? GroupsObj,
    IReadOnlyList<Guid> Roles,
    IReadOnlyList<RolesApi.RoleResponse>? RolesObj,
    string Email,
    string Avatar,
    JsonObject Attributes,
    string Uid,
    string Path,
    string Type,
    Guid Uuid,
    DateTime PasswordChangeDate,
    DateTime LastUpdated)
{
    /// <summary>A group's model fields as GroupRequest writes them, so only pk and num_pk are read-only.</summary>
    [ApiSchema("PartialGroup", Description = "Partial Group Serializer, does not include child relations.", Request = typeof(GroupsApi.GroupRequest))]
    public sealed record PartialGroup(Guid Pk, int NumPk, string Name, bool IsSuperuser, JsonObject Attributes);
}

/// <summary>
/// authentik's <c>UserSelf</c>: what a user may read about itself. It is read back as UserRequest writes it
/// (name, email and type are the writable model fields); everything else is read-only.
/// </summary>
[ApiSchema("UserSelf", Description = "User Serializer for information a user can retrieve about themselves", Request = typeof(UsersApi.UserRequest))]
public sealed record UserSelfResponse(
    int Pk,
    [ApiField(MaxLength = 150, Pattern = UsersApi.UsernamePattern)] string Username,
    string Name,
    [ApiField(ReadOnly = true)] bool IsActive,
    bool IsSuperuser,
    bool IsCurrent,
    [ApiField(ReadOnly = true)] IReadOnlyList<UserSelfResponse.SelfGroup> Groups,
    [ApiField(ReadOnly = true)] IReadOnlyList<UserSelfResponse.SelfRole> Roles,
    string Email,
    string Avatar,
    string Uid,
    [ApiField(Dictionary = true)] JsonNode Settings,
    string Type,
    IReadOnlyList<string> SystemPermissions)
{
    /// <summary>authentik's <c>UserSelfGroups</c>: <c>{name, pk}</c>.</summary>
    [ApiSchema("UserSelfGroups", ReadOnly = true)]
    public sealed record SelfGroup(string Name, string Pk);

    /// <summary>authentik's <c>UserSelfRoles</c>: <c>{name, pk}</c>.</summary>
    [ApiSchema("UserSelfRoles", ReadOnly = true)]
    public sealed record SelfRole(string Name, string Pk);
}

/// <summary>
/// Builds User and UserSelf bodies. A page of users costs a fixed number of queries: the users with their direct
/// groups and roles, and the group hierarchy once (superuser status is inherited from parent groups).
/// </summary>
public sealed class UserResponses(WardenDbContext db, Installation installation, Permissions permissions, BrandResolver brands)
{
    /// <summary>authentik's <c>authentik_rbac</c> permissions, all of which a superuser holds.</summary>
    private static readonly string[] SuperuserSystemPermissions =
    [
        "access_admin_interface", "add_initialpermissions", "add_role", "assign_role_permissions", "change_initialpermissions",
        "change_role", "delete_initialpermissions", "delete_role", "edit_system_settings", "unassign_role_permissions",
        "view_initialpermissions", "view_role", "view_system_info", "view_system_settings", "view_user_directory",
    ];

    /// <summary>Users with what a response needs (direct groups and roles).</summary>
    public static IQueryable<User> WithRelations(IQueryable<User> users) =>
        users.Include(u => u.Groups).Include(u => u.Roles).AsSplitQuery();

    public async Task<UserResponse> OneAsync(User user, HttpRequest request, CancellationToken cancellationToken) =>
        (await ManyAsync([user], request, cancellationToken))[0];

    /// <summary>
    /// Maps users loaded with <see cref="WithRelations"/>. <c>include_groups</c> / <c>include_roles</c> other than
    /// "true" (any case) leave <c>groups_obj</c> / <c>roles_obj</c> null, as authentik does.
    /// </summary>
    public async Task<IReadOnlyList<UserResponse>> ManyAsync(IReadOnlyList<User> users, HttpRequest request, CancellationToken cancellationToken)
    {
        var includeGroups = Includes(request, "include_groups");
        var includeRoles = Includes(request, "include_roles");
        var superuserGroups = users.Count == 0 ? [] : await SuperuserGroupsAsync(cancellationToken);
        var installId = await installation.IdAsync(cancellationToken);
        return users.Select(u =>
        {
            var groups = u.Groups.OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
            var roles = u.Roles.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            return new UserResponse(
                u.Id, u.Username, u.Name, u.IsActive, u.LastLogin, u.DateJoined,
                groups.Any(g => superuserGroups.Contains(g.Id)),
                groups.Select(g => g.Id).ToList(),
                includeGroups ? groups.Select(g => new UserResponse.PartialGroup(g.Id, g.NumPk, g.Name, g.IsSuperuser, g.Attributes)).ToList() : null,
                roles.Select(r => r.Id).ToList(),
                includeRoles ? roles.Select(r => new RolesApi.RoleResponse(r.Id, r.Name)).ToList() : null,
                u.Email, Avatars.For(u), u.Attributes, Installation.Uid(u.Id, installId), u.Path, u.Type.ToApi(), u.Uuid,
                u.PasswordChangeDate, u.LastUpdated);
        }).ToList();
    }

    /// <summary>authentik's UserSelf serializer for <paramref name="user"/>, as seen by <paramref name="caller"/>.</summary>
    public async Task<UserSelfResponse> SelfAsync(User user, User caller, HttpContext http, CancellationToken cancellationToken)
    {
        var closure = await permissions.GroupClosureAsync(user.Id, cancellationToken);
        var groups = await db.Groups.AsNoTracking().Where(g => closure.Contains(g.Id)).ToListAsync(cancellationToken);
        groups = groups.OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        var directRoles = db.Set<Dictionary<string, object>>("authentik_rbac_role_users")
            .Where(j => EF.Property<int>(j, "user_id") == user.Id).Select(j => EF.Property<Guid>(j, "role_id"));
        var groupRoles = db.Set<Dictionary<string, object>>("authentik_rbac_role_groups")
            .Where(j => closure.Contains(EF.Property<Guid>(j, "group_id"))).Select(j => EF.Property<Guid>(j, "role_id"));
        var roles = (await db.Set<Role>().AsNoTracking()
                .Where(r => directRoles.Contains(r.Id) || groupRoles.Contains(r.Id)).ToListAsync(cancellationToken))
            .OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var isSuperuser = user.IsActive && groups.Any(g => g.IsSuperuser);

        // authentik's group_attributes: brand, then every group by name, then the user; dicts merge deeply.
        var merged = new JsonObject();
        if (await brands.ResolveAsync(http, cancellationToken) is { } brand)
        {
            DeepMerge(merged, brand.Attributes);
        }
        foreach (var group in groups)
        {
            DeepMerge(merged, group.Attributes);
        }
        DeepMerge(merged, user.Attributes);
        var settings = merged["settings"]?.DeepClone() ?? new JsonObject();

        IReadOnlyList<string> systemPermissions;
        if (isSuperuser)
        {
            systemPermissions = SuperuserSystemPermissions;
        }
        else
        {
            var roleIds = roles.Select(r => r.Id).ToList();
            systemPermissions = (await db.Set<RolePermission>().AsNoTracking()
                    .Where(p => roleIds.Contains(p.RoleId) && p.ObjectPk == null && p.Permission.StartsWith("authentik_rbac."))
                    .Select(p => p.Permission).Distinct().ToListAsync(cancellationToken))
                .Select(p => p["authentik_rbac.".Length..]).Order(StringComparer.Ordinal).ToList();
        }
        var installId = await installation.IdAsync(cancellationToken);
        return new UserSelfResponse(
            user.Id, user.Username, user.Name, user.IsActive, isSuperuser, user.Id == caller.Id,
            groups.Select(g => new UserSelfResponse.SelfGroup(g.Name, g.Id.ToString())).ToList(),
            roles.Select(r => new UserSelfResponse.SelfRole(r.Name, r.Id.ToString())).ToList(),
            user.Email, Avatars.For(user), Installation.Uid(user.Id, installId), settings, user.Type.ToApi(), systemPermissions);
    }

    /// <summary>Groups that make their members superusers: flagged groups and, recursively, their children.</summary>
    public async Task<HashSet<Guid>> SuperuserGroupsAsync(CancellationToken cancellationToken)
    {
        var result = (await db.Groups.Where(g => g.IsSuperuser).Select(g => g.Id).ToListAsync(cancellationToken)).ToHashSet();
        if (result.Count == 0)
        {
            return result;
        }
        var edges = await db.Set<Dictionary<string, object>>("authentik_core_group_parents")
            .Select(j => new { Child = EF.Property<Guid>(j, "child_id"), Parent = EF.Property<Guid>(j, "parent_id") })
            .ToListAsync(cancellationToken);
        var children = edges.ToLookup(e => e.Parent, e => e.Child);
        var frontier = new Queue<Guid>(result);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var child in children[parent])
            {
                if (result.Add(child))
                {
                    frontier.Enqueue(child);
                }
            }
        }
        return result;
    }

    private static bool Includes(HttpRequest request, string parameter) =>
        !request.Query.TryGetValue(parameter, out var value) || string.Equals(value.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>deepmerge's always_merger: dicts merge recursively, lists append, anything else is replaced.</summary>
    public static void DeepMerge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject sourceObject && target[key] is JsonObject targetObject)
            {
                DeepMerge(targetObject, sourceObject);
            }
            else if (value is JsonArray sourceArray && target[key] is JsonArray targetArray)
            {
                foreach (var item in sourceArray)
                {
                    targetArray.Add(item?.DeepClone());
                }
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
