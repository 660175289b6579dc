using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Rbac;

/// <summary>
/// The one permission rule, as ak-guardian decides it: the actor is active AND (a superuser OR one of its
/// roles — held directly, or through its groups and their parents — grants the permission globally or on
/// that object). Read from the database on every call; nothing is cached across requests.
/// </summary>
public sealed class Permissions(WardenDbContext db)
{
    /// <summary>A superuser is a member of a group flagged is_superuser, directly or through a parent group.</summary>
    public async Task<bool> IsSuperuserAsync(User user, CancellationToken cancellationToken = default)
    {
        if (!user.IsActive)
        {
            return false;
        }
        return (await ClosureAsync(user.Id, cancellationToken)).Any(g => g.IsSuperuser);
    }

    /// <summary>True when the user may use <paramref name="permission"/> (e.g. <c>authentik_core.change_user</c>) globally, or on the object when one is given.</summary>
    public async Task<bool> HasAsync(User? user, string permission, string? objectPk = null, CancellationToken cancellationToken = default)
    {
        if (user is null || !user.IsActive)
        {
            return false;
        }
        var closure = await ClosureAsync(user.Id, cancellationToken);
        if (closure.Any(g => g.IsSuperuser))
        {
            return true;
        }
        var roles = RoleIds(user.Id, closure.Select(g => g.Id).ToList());
        return await db.Set<RolePermission>().AnyAsync(
            p => p.Permission == permission && (p.ObjectPk == null || p.ObjectPk == objectPk) && roles.Contains(p.RoleId),
            cancellationToken);
    }

    /// <summary>
    /// For list endpoints: null when the user may see every object (superuser or a global grant), otherwise
    /// the primary keys of the objects it holds <paramref name="permission"/> on.
    /// </summary>
    public async Task<HashSet<string>?> ObjectScopeAsync(User user, string permission, CancellationToken cancellationToken = default)
    {
        if (!user.IsActive)
        {
            return [];
        }
        var closure = await ClosureAsync(user.Id, cancellationToken);
        if (closure.Any(g => g.IsSuperuser))
        {
            return null;
        }
        var roles = RoleIds(user.Id, closure.Select(g => g.Id).ToList());
        var grants = await db.Set<RolePermission>()
            .Where(p => p.Permission == permission && roles.Contains(p.RoleId))
            .Select(p => p.ObjectPk)
            .ToListAsync(cancellationToken);
        if (grants.Any(g => g is null))
        {
            return null;
        }
        return grants.Select(g => g!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Role ids held by the user directly or through any group in <paramref name="groups"/>.</summary>
    private IQueryable<Guid> RoleIds(int userId, List<Guid> groups)
    {
        var direct = db.Set<Dictionary<string, object>>("authentik_rbac_role_users")
            .Where(j => EF.Property<int>(j, "user_id") == userId)
            .Select(j => EF.Property<Guid>(j, "role_id"));
        var viaGroups = db.Set<Dictionary<string, object>>("authentik_rbac_role_groups")
            .Where(j => groups.Contains(EF.Property<Guid>(j, "group_id")))
            .Select(j => EF.Property<Guid>(j, "role_id"));
        return direct.Union(viaGroups);
    }

    /// <summary>The user's groups and all their ancestors.</summary>
    public async Task<List<Guid>> GroupClosureAsync(int userId, CancellationToken cancellationToken) =>
        (await ClosureAsync(userId, cancellationToken)).Select(g => g.Id).ToList();

    /// <summary>
    /// The user's groups and their ancestors with their superuser flag, in one round trip whatever the depth (a
    /// recursive query both providers run; UNION, not UNION ALL, so a cycle of parents ends).
    /// </summary>
    private Task<List<ClosureGroup>> ClosureAsync(int userId, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<ClosureGroup>(ClosureSql, userId).ToListAsync(cancellationToken);

    private const string ClosureSql = """
        WITH RECURSIVE closure(id) AS (
            SELECT group_id FROM authentik_core_user_groups WHERE user_id = {0}
            UNION
            SELECT p.parent_id FROM authentik_core_group_parents AS p INNER JOIN closure AS c ON p.child_id = c.id
        )
        SELECT g.group_uuid AS "Id", g.is_superuser AS "IsSuperuser"
        FROM closure AS c INNER JOIN authentik_core_group AS g ON g.group_uuid = c.id
        """;

    private sealed record ClosureGroup(Guid Id, bool IsSuperuser);
}
