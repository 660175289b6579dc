using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// Server-side sessions in the database (authentik's Session / AuthenticatedSession), addressed by the
/// <c>authentik_session</c> cookie. Nothing is kept in memory, so every node sees a deleted session at once.
/// </summary>
public sealed class SessionStore(WardenDbContext db, TimeProvider time)
{
    public const string CookieName = "authentik_session";
    public const string CsrfCookieName = "authentik_csrf";
    public const string CsrfHeaderName = "X-authentik-CSRF";

    /// <summary>Lifetime of a session that is not logged in (it only carries a flow plan).</summary>
    public static readonly TimeSpan AnonymousLifetime = TimeSpan.FromDays(1);

    /// <summary>Default lifetime of a logged-in session when the login stage sets none.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);

    public static string NewKey() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Loads the cookie's session if it exists and has not expired.</summary>
    public async Task<Session?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.Sessions
            .Include(s => s.Authenticated).ThenInclude(a => a!.User)
            .FirstOrDefaultAsync(s => s.SessionKey == key && s.Expires > now, cancellationToken);
    }

    /// <summary>The request's session, created (and its cookie set) when there is none yet.</summary>
    public async Task<Session> GetOrCreateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var identity = context.Identity();
        if (identity.Session is { } existing && identity.AuthenticatedBy != AuthenticatedBy.Token)
        {
            return existing;
        }
        if (identity.Session is not null)
        {
            return identity.Session;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var session = new Session
        {
            SessionKey = NewKey(),
            Expires = now + AnonymousLifetime,
            LastIp = ClientIp.Of(context),
            LastUserAgent = context.Request.Headers.UserAgent.ToString(),
            LastUsed = now,
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        identity.Session = session;
        // A bearer-token caller gets a throw-away session: authentik binds plans to a session, not a token.
        if (identity.AuthenticatedBy != AuthenticatedBy.Token)
        {
            SetCookie(context, session);
        }
        return session;
    }

    public Task SaveAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    /// <summary>
    /// Logs the user in: a new session key (so a key fixed before login is useless), the plan data carried
    /// over, and an AuthenticatedSession row that ties it to the user. Null, and nothing changed, when the user is no
    /// longer active at the moment of writing.
    /// </summary>
    public async Task<Session?> LoginAsync(HttpContext context, User user, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var identity = context.Identity();
        var now = time.GetUtcNow().UtcDateTime;
        var session = new Session
        {
            SessionKey = NewKey(),
            Data = identity.Session?.Data.DeepClone().AsObject() ?? [],
            Expires = now + lifetime,
            LastIp = ClientIp.Of(context),
            LastUserAgent = context.Request.Headers.UserAgent.ToString(),
            LastUsed = now,
        };
        session.Authenticated = new AuthenticatedSession { SessionKey = session.SessionKey, UserId = user.Id, Session = session };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // The account may have been locked since the flow checked it: a session created now would outlive the lockdown.
            if (!await AccessGuard.UserActiveAsync(db, user.Id, cancellationToken))
            {
                return null;
            }
            if (identity.Session is { } old)
            {
                db.Sessions.Remove(old);
            }
            db.Sessions.Add(session);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        session.Authenticated.User = user;
        identity.Session = session;
        identity.User = user;
        identity.AuthenticatedBy = AuthenticatedBy.Session;
        SetCookie(context, session);
        SetCsrfCookie(context, force: true);
        return session;
    }

    /// <summary>Deletes the request's session row and starts over with no session (Django's flush).</summary>
    public async Task FlushAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var identity = context.Identity();
        if (identity.Session is { } session)
        {
            await db.Sessions.Where(s => s.SessionKey == session.SessionKey).ExecuteDeleteAsync(cancellationToken);
            db.Entry(session).State = EntityState.Detached;
            if (session.Authenticated is not null)
            {
                db.Entry(session.Authenticated).State = EntityState.Detached;
            }
        }
        identity.Session = null;
        if (identity.AuthenticatedBy == AuthenticatedBy.Session)
        {
            identity.User = null;
            identity.AuthenticatedBy = AuthenticatedBy.None;
        }
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
    }

    private static void SetCookie(HttpContext context, Session session)
    {
        context.Response.Cookies.Append(CookieName, session.SessionKey, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = new DateTimeOffset(session.Expires, TimeSpan.Zero),
        });
    }

    /// <summary>Sets the CSRF cookie that the page's scripts echo in the X-authentik-CSRF header.</summary>
    public static string SetCsrfCookie(HttpContext context, bool force = false)
    {
        var existing = context.Request.Cookies[CsrfCookieName];
        if (!force && !string.IsNullOrEmpty(existing) && existing.Length >= 32)
        {
            return existing;
        }
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CsrfCookieName, token, new CookieOptions
        {
            HttpOnly = false,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
        });
        return token;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class ClientIp
{
    /// <summary>The caller's address; authentik's fallback when none is known is 255.255.255.255.</summary>
    public static string Of(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "255.255.255.255";
}
