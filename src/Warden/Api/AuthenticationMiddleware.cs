using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Api;

/// <summary>
/// Resolves the caller on every request, from the database, so that a deleted token or session, or a
/// deactivated user, is refused on the very next request on every node. Bearer tokens are tried first
/// (API paths only), then the session cookie. Unsafe API calls authenticated by the cookie need the
/// CSRF header, as in authentik.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, WardenDbContext db, SessionStore sessions, TimeProvider time)
    {
        var identity = context.Identity();
        var isApi = context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (isApi && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = authorization["Bearer ".Length..].Trim();
            var now = time.GetUtcNow().UtcDateTime;
            var token = key.Length == 0 ? null : await db.Tokens
                .Include(t => t.User)
                .FirstOrDefaultAsync(t => t.Key == key && t.Intent == TokenIntent.Api, context.RequestAborted);
            // One answer for unknown, expired, wrong-intent and deactivated-user tokens: nothing to learn from it.
            if (token is null || token.IsExpired(now) || !token.User.IsActive || !FixedTimeEquals(token.Key, key))
            {
                await ApiErrors.Detail(StatusCodes.Status403Forbidden, ApiErrors.TokenInvalidMessage).ExecuteAsync(context);
                return;
            }
            identity.User = token.User;
            identity.Token = token;
            identity.AuthenticatedBy = AuthenticatedBy.Token;
        }
        else if (context.Request.Cookies[SessionStore.CookieName] is { Length: > 0 } cookie)
        {
            var session = await sessions.LoadAsync(cookie, context.RequestAborted);
            if (session is not null)
            {
                identity.Session = session;
                // A session whose user was deactivated no longer authenticates anyone.
                if (session.Authenticated?.User is { IsActive: true } user)
                {
                    identity.User = user;
                    identity.AuthenticatedBy = AuthenticatedBy.Session;
                }
                await TouchAsync(db, session, context, time);
            }
        }

        if (isApi && identity.AuthenticatedBy == AuthenticatedBy.Session && !HttpMethods.IsGet(context.Request.Method)
            && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && !HttpMethods.IsTrace(context.Request.Method))
        {
            var failure = CheckCsrf(context);
            if (failure is not null)
            {
                await ApiErrors.Detail(StatusCodes.Status403Forbidden, $"CSRF Failed: {failure}").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }

    private static string? CheckCsrf(HttpContext context)
    {
        var cookie = context.Request.Cookies[SessionStore.CsrfCookieName];
        if (string.IsNullOrEmpty(cookie))
        {
            return "CSRF cookie not set.";
        }
        var header = context.Request.Headers[SessionStore.CsrfHeaderName].ToString();
        if (string.IsNullOrEmpty(header))
        {
            return "CSRF token missing.";
        }
        return FixedTimeEquals(cookie, header) ? null : $"CSRF token from the '{SessionStore.CsrfHeaderName}' HTTP header incorrect.";
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Records last use at most once a minute, to keep a write off most requests.</summary>
    private static async Task TouchAsync(WardenDbContext db, Session session, HttpContext context, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - session.LastUsed < TimeSpan.FromMinutes(1))
        {
            return;
        }
        var ip = ClientIp.Of(context);
        var agent = context.Request.Headers.UserAgent.ToString();
        await db.Sessions.Where(s => s.SessionKey == session.SessionKey)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsed, now).SetProperty(x => x.LastIp, ip).SetProperty(x => x.LastUserAgent, agent), context.RequestAborted);
        session.LastUsed = now;
        session.LastIp = ip;
        session.LastUserAgent = agent;
    }
}
