using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Rbac;

/// <summary>An object that can carry object permissions: its key as authentik stores it (<c>str(pk)</c>) and its <c>str()</c>.</summary>
public sealed record PermissionObject(string Pk, string Name);

/// <summary>
/// Finds the objects object permissions point at, by model label (<c>app_label.model</c>). Only models whose
/// entities exist in Warden can be found; a feature that adds a model adds its case here.
/// </summary>
public static class PermissionObjects
{
    public static async Task<PermissionObject?> FindAsync(WardenDbContext db, string model, string pk, CancellationToken cancellationToken)
    {
        switch (model)
        {
            case "authentik_core.user":
            {
                if (!int.TryParse(pk, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    return null;
                }
                var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
                return user is null ? null : new PermissionObject(user.Id.ToString(CultureInfo.InvariantCulture), user.Username);
            }
            case "authentik_core.group":
            {
                var id = ParseGuid(pk);
                var group = id is null ? null : await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
                return group is null ? null : new PermissionObject(group.Id.ToString(), $"Group {group.Name}");
            }
            case "authentik_core.token":
            {
                var id = ParseGuid(pk);
                var token = id is null ? null : await db.Tokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
                return token is null ? null : new PermissionObject(token.Id.ToString(), TokenName(token));
            }
            case "authentik_core.authenticatedsession":
            {
                // authentik keys sessions by their session key; Warden uses the session's uuid, as the sessions API
                // does, so that no session key is ever stored in, or listed from, a permission.
                var id = ParseGuid(pk);
                var session = id is null ? null : await db.AuthenticatedSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Uuid == id, cancellationToken);
                return session is null ? null
                    : new PermissionObject(session.Uuid.ToString(), $"Authenticated Session {session.Uuid.ToString()[..10]}");
            }
            case "authentik_brands.brand":
            {
                var id = ParseGuid(pk);
                var brand = id is null ? null : await db.Brands.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
                return brand is null ? null : new PermissionObject(brand.Id.ToString(), brand.Default ? "Default brand" : $"Brand {brand.Domain}");
            }
            case "authentik_rbac.role":
            {
                var id = ParseGuid(pk);
                var role = id is null ? null : await db.Set<Role>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
                return role is null ? null : new PermissionObject(role.Id.ToString(), $"Role {role.Name}");
            }
            case "authentik_flows.flow":
            {
                var id = ParseGuid(pk);
                var flow = id is null ? null : await db.Set<Flows.Flow>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
                return flow is null ? null : new PermissionObject(flow.Id.ToString(), $"Flow {flow.Name} ({flow.Slug})");
            }
            default:
                return null;
        }
    }

    private static Guid? ParseGuid(string value) => Guid.TryParse(value, out var id) ? id : null;

    /// <summary>authentik's <c>str(token)</c>: the identifier, with Python's rendering of the expiry when it expires.</summary>
    private static string TokenName(Core.Token token)
    {
        if (!token.Expiring)
        {
            return token.Identifier;
        }
        if (token.Expires is not { } expires)
        {
            return $"{token.Identifier} (expires=None)";
        }
        var text = expires.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var micro = (expires.Ticks % TimeSpan.TicksPerSecond) / 10;
        if (micro != 0)
        {
            text += "." + micro.ToString("D6", CultureInfo.InvariantCulture);
        }
        return $"{token.Identifier} (expires={text}+00:00)";
    }
}
