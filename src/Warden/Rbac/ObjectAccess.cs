using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;

namespace Warden.Rbac;

/// <summary>
/// authentik's model viewset guard (<c>ObjectPermissions</c> + <c>ObjectFilter</c>), on top of the one permission
/// rule in <see cref="Permissions"/>:
/// <list type="bullet">
/// <item>lists and detail lookups only see objects the caller may view (the model's view permission held
/// globally, or on the object);</item>
/// <item>a caller that may view no object at all is answered 403, never an empty list, except internal service
/// accounts (outposts), which get the empty list;</item>
/// <item>a detail lookup of an object outside what the caller may view is a 404, exactly like an object that
/// does not exist, so the answer tells nothing about it;</item>
/// <item>writes need the model's change/delete permission globally or on the object (403 otherwise).</item>
/// </list>
/// </summary>
public sealed class ObjectAccess(Permissions permissions)
{
    /// <summary>DRF's 404 for a lookup value that is not even of the key's type (e.g. not a UUID).</summary>
    public static IResult NotFound() => ApiErrors.Detail(StatusCodes.Status404NotFound, "Not found.");

    /// <summary>
    /// The objects of <paramref name="all"/> the user may view, or null when the user may view none (answer 403).
    /// <paramref name="restrict"/> narrows the query to the given object primary keys (as authentik stores them).
    /// </summary>
    public async Task<IQueryable<T>?> VisibleAsync<T>(
        User user, string viewPermission, IQueryable<T> all,
        Func<IQueryable<T>, IReadOnlyCollection<string>, IQueryable<T>> restrict, CancellationToken cancellationToken)
    {
        var scope = await permissions.ObjectScopeAsync(user, viewPermission, cancellationToken);
        if (scope is null)
        {
            // A global grant (or superuser) sees everything, even when there is nothing to see.
            return all;
        }
        var visible = restrict(all, scope);
        // Outposts expect an empty list when nothing is assigned to them; everyone else without any view
        // permission is refused outright (authentik's ObjectFilter).
        if (user.Type == UserType.InternalServiceAccount || await visible.AnyAsync(cancellationToken))
        {
            return visible;
        }
        return null;
    }

    /// <summary>
    /// The objects of <paramref name="all"/> on which the user holds <paramref name="permission"/> (globally, or on
    /// the object): ak-guardian's <c>get_objects_for_user</c>, which never refuses, it only narrows.
    /// </summary>
    public async Task<IQueryable<T>> ObjectsForUserAsync<T>(
        User user, string permission, IQueryable<T> all,
        Func<IQueryable<T>, IReadOnlyCollection<string>, IQueryable<T>> restrict, CancellationToken cancellationToken)
    {
        var scope = await permissions.ObjectScopeAsync(user, permission, cancellationToken);
        return scope is null ? all : restrict(all, scope);
    }

    /// <summary>
    /// A detail lookup as authentik's <c>get_object()</c> does it: anonymous callers and callers who may view no
    /// object get 403; a key of the wrong shape (<paramref name="match"/> null) is <c>Not found.</c>; an object
    /// that does not exist or that the caller may not view is <c>No {modelName} matches the given query.</c>
    /// </summary>
    public async Task<(T? Entity, IResult? Error)> FindAsync<T>(
        User? user, string viewPermission, IQueryable<T> all,
        Func<IQueryable<T>, IReadOnlyCollection<string>, IQueryable<T>> restrict,
        Expression<Func<T, bool>>? match, string modelName, CancellationToken cancellationToken)
        where T : class
    {
        if (user is null)
        {
            return (null, ApiErrors.NotAuthenticated());
        }
        var visible = await VisibleAsync(user, viewPermission, all, restrict, cancellationToken);
        if (visible is null)
        {
            return (null, ApiErrors.PermissionDenied());
        }
        if (match is null)
        {
            return (null, NotFound());
        }
        var entity = await visible.FirstOrDefaultAsync(match, cancellationToken);
        return entity is null ? (null, ApiErrors.NotFound(modelName)) : (entity, null);
    }

    /// <summary>Narrows a query on an int key to the given object primary keys.</summary>
    public static IQueryable<T> ByInt<T>(IQueryable<T> query, IReadOnlyCollection<string> pks, Expression<Func<T, int>> key)
    {
        var ids = pks.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : (int?)null)
            .Where(i => i is not null).Select(i => i!.Value).ToList();
        return query.Where(In(key, ids));
    }

    /// <summary>Narrows a query on a uuid key to the given object primary keys.</summary>
    public static IQueryable<T> ByGuid<T>(IQueryable<T> query, IReadOnlyCollection<string> pks, Expression<Func<T, Guid>> key)
    {
        var ids = pks.Select(p => Guid.TryParse(p, out var g) ? g : (Guid?)null).Where(g => g is not null).Select(g => g!.Value).ToList();
        return query.Where(In(key, ids));
    }

    /// <summary>
    /// Object-level write check: the permission globally, or on that object. authentik ranks the global grant
    /// first; the rule in <see cref="Permissions.HasAsync"/> already accepts either.
    /// </summary>
    public Task<bool> CanAsync(User user, string permission, string objectPk, CancellationToken cancellationToken) =>
        permissions.HasAsync(user, permission, objectPk, cancellationToken);

    /// <summary>Model-level check (create): the permission held globally.</summary>
    public Task<bool> CanGloballyAsync(User user, string permission, CancellationToken cancellationToken) =>
        permissions.HasAsync(user, permission, null, cancellationToken);

    /// <summary><c>x => values.Contains(key(x))</c>, with the values as a query parameter rather than inlined constants.</summary>
    private static Expression<Func<T, bool>> In<T, TKey>(Expression<Func<T, TKey>> key, List<TKey> values)
    {
        var holder = Expression.Property(Expression.Constant(new Values<TKey>(values)), nameof(Values<TKey>.Items));
        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TKey)], holder, key.Body);
        return Expression.Lambda<Func<T, bool>>(contains, key.Parameters[0]);
    }

    private sealed class Values<TKey>(List<TKey> items)
    {
        public List<TKey> Items { get; } = items;
    }
}
