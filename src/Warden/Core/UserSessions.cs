using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>Ends a user's logged-in sessions, set-based, so every node refuses those cookies on the next request.</summary>
public static class UserSessions
{
    /// <summary>
    /// Deletes the Session rows behind the user's AuthenticatedSessions (the AuthenticatedSession rows go with them,
    /// by cascade), except <paramref name="keepSessionKey"/> when given. Returns how many sessions ended.
    /// </summary>
    public static Task<int> EndAsync(WardenDbContext db, int userId, string? keepSessionKey, CancellationToken cancellationToken) =>
        db.Sessions
            .Where(s => db.AuthenticatedSessions.Any(a => a.SessionKey == s.SessionKey && a.UserId == userId))
            .Where(s => keepSessionKey == null || s.SessionKey != keepSessionKey)
            .ExecuteDeleteAsync(cancellationToken);
}
