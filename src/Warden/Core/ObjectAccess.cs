using Warden.Rbac;

namespace Warden.Core;

/// <summary>
/// Which objects of a model the caller may see, as authentik's <c>ObjectFilter</c> decides it for every list and
/// every detail route: all of them with the global <c>view_…</c> permission; otherwise, for models with an owner
/// (tokens, sessions) the caller's own; otherwise the objects the caller holds <c>view_…</c> on, and a 403 when
/// that is none at all (internal service accounts, i.e. outposts, get an empty list instead).
/// </summary>
public sealed class ObjectScope
{
    private ObjectScope(bool all, IReadOnlySet<string>? pks, int? ownerId, bool denied)
    {
        All = all;
        Pks = pks;
        OwnerId = ownerId;
        Denied = denied;
    }

    /// <summary>Every object is visible.</summary>
    public bool All { get; }

    /// <summary>The primary keys (as text) the caller may view, when neither <see cref="All"/> nor owner-scoped.</summary>
    public IReadOnlySet<string>? Pks { get; }

    /// <summary>Only the objects owned by this user are visible.</summary>
    public int? OwnerId { get; }

    /// <summary>The caller may see no object of this model: authentik answers 403 before looking anything up.</summary>
    public bool Denied { get; }

    /// <summary>Scope of a model without owner field, e.g. <c>authentik_core.view_user</c>.</summary>
    public static async Task<ObjectScope> ForAsync(Permissions permissions, User actor, string viewPermission, CancellationToken cancellationToken)
    {
        var pks = await permissions.ObjectScopeAsync(actor, viewPermission, cancellationToken);
        if (pks is null)
        {
            return new ObjectScope(true, null, null, false);
        }
        // Outposts expect an empty list rather than a 403 when nothing is assigned to them.
        var denied = pks.Count == 0 && actor.Type != UserType.InternalServiceAccount;
        return new ObjectScope(false, pks, null, denied);
    }

    /// <summary>Scope of a model with an owner field (authentik's <c>owner_field = "user"</c>): all, or the caller's own.</summary>
    public static async Task<ObjectScope> ForOwnedAsync(Permissions permissions, User actor, string viewPermission, CancellationToken cancellationToken)
    {
        if (await permissions.HasAsync(actor, viewPermission, cancellationToken: cancellationToken))
        {
            return new ObjectScope(true, null, null, false);
        }
        return new ObjectScope(false, null, actor.Id, false);
    }
}
