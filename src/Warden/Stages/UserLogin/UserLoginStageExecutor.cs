using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Persistence;
using Warden.Stages.UserLogout;

namespace Warden.Stages.UserLogin;

/// <summary>
/// authentik's UserLoginStageView: attaches the pending user to a new session (Session + AuthenticatedSession) that
/// lasts <c>session_duration</c> (plus <c>remember_me_offset</c> when the person ticked "remember me"; the box is only
/// offered when that offset is positive), optionally ending the user's other sessions, and records <c>login</c>.
/// </summary>
public sealed class UserLoginStageExecutor(SessionStore sessions, WardenDbContext db, AuditLog audit, TimeProvider time) : IStageExecutor
{
    /// <summary>Plan context keys the password stage fills and the login event reports.</summary>
    public const string AuthMethodKey = "auth_method";
    public const string AuthMethodArgsKey = "auth_method_args";

    public async Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken)
    {
        var stage = run.StageAs<UserLoginStage>();
        if (Offset(stage.RememberMeOffset) > TimeSpan.Zero)
        {
            return await ChallengeAsync(run, null, cancellationToken);
        }
        return await LoginAsync(run, remember: false, cancellationToken);
    }

    public async Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken)
    {
        var stage = run.StageAs<UserLoginStage>();
        if (Offset(stage.RememberMeOffset) <= TimeSpan.Zero)
        {
            return await LoginAsync(run, remember: false, cancellationToken);
        }
        if (response["remember_me"] is not JsonValue value || !value.TryGetValue<bool>(out var remember))
        {
            var message = response.ContainsKey("remember_me") ? "Must be a valid boolean." : "This field is required.";
            var code = response.ContainsKey("remember_me") ? "invalid" : "required";
            return await ChallengeAsync(run, new() { ["remember_me"] = [new ErrorDetail(message, code)] }, cancellationToken);
        }
        return await LoginAsync(run, remember, cancellationToken);
    }

    private static TimeSpan Offset(string value) => PythonFormat.TimeDelta(value) ?? TimeSpan.Zero;

    private static async Task<StageResult> ChallengeAsync(StageRun run, Dictionary<string, List<ErrorDetail>>? errors, CancellationToken cancellationToken)
    {
        var user = await run.PendingUserAsync(cancellationToken);
        return StageResult.Show(new UserLoginChallenge(user?.Username ?? "", user is null ? "" : Avatars.For(user)) { ResponseErrors = errors });
    }

    private async Task<StageResult> LoginAsync(StageRun run, bool remember, CancellationToken cancellationToken)
    {
        if (run.Plan.PendingUserId() is not { } pk)
        {
            return StageResult.Invalid("");
        }
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == pk, cancellationToken);
        // An inactive (for instance locked-down) account never gets a session, whatever the stages before decided.
        if (user is null || !user.IsActive)
        {
            return StageResult.Invalid("");
        }
        var stage = run.StageAs<UserLoginStage>();
        var duration = Offset(stage.SessionDuration);
        if (remember)
        {
            duration += Offset(stage.RememberMeOffset);
        }
        // authentik's 0 means "until the browser closes"; the row still needs an expiry.
        var lifetime = duration > TimeSpan.Zero ? duration : SessionStore.DefaultLifetime;
        var known = await db.AuthenticatedSessions.AnyAsync(a => a.UserId == user.Id && a.Session.LastIp == ClientIp.Of(run.Http), cancellationToken);
        if (await sessions.LoginAsync(run.Http, user, lifetime, cancellationToken) is not { } session)
        {
            return StageResult.Invalid("");
        }
        if (stage.TerminateOtherSessions)
        {
            await UserSessions.EndAsync(db, user.Id, session.SessionKey, cancellationToken);
        }
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.LastLogin, time.GetUtcNow().UtcDateTime), cancellationToken);

        var args = run.Plan.Context[AuthMethodArgsKey] as JsonObject ?? [];
        args.TryAdd("known_device", known);
        run.Plan.Context[AuthMethodArgsKey] = args;
        var context = new JsonObject();
        if (run.Plan.Context[AuthMethodKey] is JsonValue method)
        {
            context[AuthMethodKey] = method.DeepClone();
        }
        context[AuthMethodArgsKey] = args.DeepClone();
        await audit.WriteAsync(run.Http, EventActions.Login, context, UserLoginStageEvents.App, actor: user, cancellationToken: cancellationToken);
        return StageResult.Ok;
    }
}
