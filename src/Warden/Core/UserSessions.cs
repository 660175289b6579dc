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
    public static Task<int> EndAsync(WardenDbContext db, int userId, string? keepSessionKey, CancellationToken cancellationToken)
    {
        // "session_key IN (SELECT session_id … WHERE user_id = …)": the user's index, then key lookups. A correlated
        // EXISTS would make SQLite visit every session of every user.
        var keys = db.AuthenticatedSessions.Where(a => a.UserId == userId).Select(a => a.SessionKey);
        return db.Sessions
            .Where(s => keys.Contains(s.SessionKey))
            .Where(s => keepSessionKey == null || s.SessionKey != keepSessionKey)
            .ExecuteDeleteAsync(cancellationToken);
    }
}
