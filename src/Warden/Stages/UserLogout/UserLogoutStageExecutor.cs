using System.Text.Json.Nodes;
using Warden.Core;
using Warden.Events;
using Warden.Flows;

namespace Warden.Stages.UserLogout;

/// <summary>authentik's UserLogoutStageView: ends the request's session (Django's logout), then the flow goes on.</summary>
public sealed class UserLogoutStageExecutor(SessionStore sessions, AuditLog audit) : IStageExecutor
{
    public Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) => LogoutAsync(run, cancellationToken);

    public Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken) => LogoutAsync(run, cancellationToken);

    private async Task<StageResult> LogoutAsync(StageRun run, CancellationToken cancellationToken)
    {
        var user = run.RequestUser;
        // The session row goes, so the cookie authenticates nothing on any node from the next request on.
        await sessions.FlushAsync(run.Http, cancellationToken);
        if (user is not null)
        {
            await audit.WriteAsync(run.Http, EventActions.Logout, [], UserLoginStageEvents.App, actor: user, cancellationToken: cancellationToken);
        }
        return StageResult.Ok;
    }
}

/// <summary>The app authentik records for login, logout and login_failed: the signal handlers' module.</summary>
public static class UserLoginStageEvents
{
    public const string App = "authentik.events.signals";
}
