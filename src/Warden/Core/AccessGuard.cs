using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// The last check before a write hands out new access (an API token, a logged-in session). A request authenticates
/// when it arrives; an account lockdown can commit between that moment and the request's insert, and a row inserted
/// after the lockdown's last sweep would survive it. So the write re-reads, inside its own transaction, the rows that
/// allowed it: the user (still active) and the credential the request came with (still there).
/// <para>
/// On PostgreSQL the rows are share-locked (<c>FOR SHARE</c>), which orders the write against the lockdown's
/// transaction: either the lockdown waits for this commit and then deletes what it inserted, or this check waits for
/// the lockdown's commit and sees the user inactive and the credential gone. SQLite has one writer and Warden's
/// transactions start with <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so a plain read inside the
/// transaction is already ordered.
/// </para>
/// </summary>
public static class AccessGuard
{
    private const string UserPostgres = "SELECT 1 AS \"Value\" FROM authentik_core_user WHERE id = {0} AND is_active FOR SHARE";
    private const string TokenPostgres = "SELECT 1 AS \"Value\" FROM authentik_core_token WHERE token_uuid = {0} FOR SHARE";
    private const string SessionPostgres = "SELECT 1 AS \"Value\" FROM authentik_core_authenticatedsession WHERE session_id = {0} FOR SHARE";

    /// <summary>Whether the user still exists and is active. Call inside the transaction that writes.</summary>
    public static Task<bool> UserActiveAsync(WardenDbContext db, int userId, CancellationToken cancellationToken) => db.IsPostgres
        ? LockedAsync(db, UserPostgres, userId, cancellationToken)
        : db.Users.AnyAsync(u => u.Id == userId && u.IsActive, cancellationToken);

    /// <summary>
    /// Whether the request's caller would still be let in: its user is active and its token or authenticated session
    /// still exists. Call inside the transaction that writes.
    /// </summary>
    public static async Task<bool> CallerStillValidAsync(WardenDbContext db, RequestIdentity identity, CancellationToken cancellationToken)
    {
        if (identity.User is not { } user || !await UserActiveAsync(db, user.Id, cancellationToken))
        {
            return false;
        }
        return identity.AuthenticatedBy switch
        {
            AuthenticatedBy.Token when identity.Token is { } token => db.IsPostgres
                ? await LockedAsync(db, TokenPostgres, token.Id, cancellationToken)
                : await db.Tokens.AnyAsync(t => t.Id == token.Id, cancellationToken),
            AuthenticatedBy.Session when identity.Session is { } session => db.IsPostgres
                ? await LockedAsync(db, SessionPostgres, session.SessionKey, cancellationToken)
                : await db.AuthenticatedSessions.AnyAsync(a => a.SessionKey == session.SessionKey, cancellationToken),
            _ => false,
        };
    }

    /// <summary>What a caller whose credential went away during its request is told: what it would hear on its next one.</summary>
    public static IResult Refusal(RequestIdentity identity) => identity.AuthenticatedBy == AuthenticatedBy.Token
        ? ApiErrors.Detail(StatusCodes.Status403Forbidden, ApiErrors.TokenInvalidMessage)
        : ApiErrors.NotAuthenticated();

    /// <summary>Runs a PostgreSQL <c>SELECT … FOR SHARE</c> (not composable, so not through LINQ) and says whether a row came back.</summary>
    private static async Task<bool> LockedAsync(WardenDbContext db, string sql, object key, CancellationToken cancellationToken) =>
        (await db.Database.SqlQueryRaw<int>(sql, key).ToListAsync(cancellationToken)).Count > 0;
}
