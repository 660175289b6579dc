namespace Warden.Core;

/// <summary>How the caller of this request proved who they are.</summary>
public enum AuthenticatedBy
{
    None,
    Token,
    Session,
}

/// <summary>
/// Who is calling, resolved once per request from the database by the authentication middleware:
/// the bearer token's user, or the user of the session cookie's AuthenticatedSession.
/// </summary>
public sealed class RequestIdentity
{
    public User? User { get; set; }
    public AuthenticatedBy AuthenticatedBy { get; set; }
    public Token? Token { get; set; }

    /// <summary>The server-side session behind the cookie, loaded whether or not it is authenticated.</summary>
    public Session? Session { get; set; }

    public bool IsAuthenticated => User is not null;
}

public static class RequestIdentityExtensions
{
    public static RequestIdentity Identity(this HttpContext context)
    {
        var identity = context.Features.Get<RequestIdentity>();
        if (identity is null)
        {
            identity = new RequestIdentity();
            context.Features.Set(identity);
        }
        return identity;
    }

    /// <summary>The authenticated user, or null for an anonymous caller.</summary>
    public static User? CurrentUser(this HttpContext context) => context.Identity().User;
}
