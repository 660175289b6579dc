using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>Walks the group parent graph (authentik's group ancestry).</summary>
public static class GroupHierarchy
{
    /// <summary>The given groups and all their ancestors. A cycle cannot loop: visited groups are skipped.</summary>
    public static async Task<HashSet<Guid>> WithAncestorsAsync(WardenDbContext db, IEnumerable<Guid> groups, CancellationToken cancellationToken)
    {
        var all = new HashSet<Guid>(groups);
        var frontier = all.ToList();
        var parents = db.Set<Dictionary<string, object>>("authentik_core_group_parents");
        while (frontier.Count > 0)
        {
            var current = frontier;
            var next = await parents
                .Where(j => current.Contains(EF.Property<Guid>(j, "child_id")))
                .Select(j => EF.Property<Guid>(j, "parent_id"))
                .ToListAsync(cancellationToken);
            frontier = next.Where(all.Add).ToList();
        }
        return all;
    }
}
