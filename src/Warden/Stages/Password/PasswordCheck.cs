using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Persistence;
using Warden.Stages.UserLogout;

namespace Warden.Stages.Password;

/// <summary>
/// authentik's <c>authenticate()</c> over a password stage's backends: the user's own password (InbuiltBackend) or
/// one of their app passwords (TokenBackend). A missing or inactive user is a failure like a wrong password.
/// </summary>
public sealed class PasswordCheck(WardenDbContext db, PasswordHasher hasher, AuditLog audit, TimeProvider time)
{
    /// <summary>Hashed once: verified against when there is no user, so a guess costs the same time either way.</summary>
    private readonly Lazy<string> _decoy = new(() => hasher.Hash(Guid.NewGuid().ToString("N")));

    public async Task<bool> CheckAsync(User? user, string password, IReadOnlyCollection<string> backends, CancellationToken cancellationToken)
    {
        if (user is null || !user.IsActive)
        {
            _ = PasswordHasher.Verify(password, _decoy.Value);
            return false;
        }
        if (backends.Contains(PasswordBackends.Inbuilt) && PasswordHasher.HasUsablePassword(user.Password)
            && PasswordHasher.Verify(password, user.Password))
        {
            return true;
        }
        if (backends.Contains(PasswordBackends.Token))
        {
            var now = time.GetUtcNow().UtcDateTime;
            return await db.Tokens.AsNoTracking().AnyAsync(t => t.UserId == user.Id && t.Intent == TokenIntent.AppPassword
                && t.Key == password && (!t.Expiring || t.Expires > now), cancellationToken);
        }
        return false;
    }

    /// <summary>
    /// authentik's <c>user_login_failed</c> signal: a <c>login_failed</c> event with the username tried, the password
    /// masked (never the value) and the stage.
    /// </summary>
    public Task FailedAsync(StageRun run, string username, CancellationToken cancellationToken)
    {
        var type = run.Http.RequestServices.GetRequiredService<StageTypes>().For(run.Stage);
        var context = new JsonObject
        {
            ["username"] = username,
            ["password"] = "********************",
            ["stage"] = ModelEvents.Model(type.AppLabel, type.ModelName, run.Stage.Id, run.Stage.Name),
        };
        return audit.WriteAsync(run.Http, EventActions.LoginFailed, context, UserLoginStageEvents.App, cancellationToken: cancellationToken);
    }
}
