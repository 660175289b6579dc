using System.Text.Json.Nodes;
using Warden.Core;
using Warden.Flows;
using Warden.Stages.UserLogin;

namespace Warden.Stages.Password;

/// <summary>
/// authentik's PasswordStageView: asks for the pending user's password and checks it. A wrong password (or no such
/// user, or an inactive one: the same answer) shows the challenge again with <c>Invalid password</c>; after
/// <c>failed_attempts_before_cancel</c> failures in this flow the flow is cancelled with <c>Invalid password</c>.
/// </summary>
public sealed class PasswordStageExecutor(PasswordCheck check) : IStageExecutor
{
    public const string InvalidPassword = "Invalid password";

    public async Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) =>
        StageResult.Show(await ChallengeAsync(run, null, cancellationToken));

    public async Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken)
    {
        if (response["password"] is not JsonValue value || !value.TryGetValue<string>(out var password) || password.Length == 0)
        {
            var (message, code) = response["password"] switch
            {
                null when !response.ContainsKey("password") => ("This field is required.", "required"),
                null => ("This field may not be null.", "null"),
                JsonValue v when v.TryGetValue<string>(out _) => ("This field may not be blank.", "blank"),
                _ => ("Not a valid string.", "invalid"),
            };
            return StageResult.Show(await ChallengeAsync(run, new() { ["password"] = [new ErrorDetail(message, code)] }, cancellationToken));
        }
        var stage = run.StageAs<PasswordStage>();
        // Only the plan's pending user: with pretend_user_exists there may be none, and the answer must not differ.
        var user = run.Plan.PendingUserId() is null ? null : await run.PendingUserAsync(cancellationToken);
        if (await check.CheckAsync(user, password, stage.Backends, cancellationToken))
        {
            run.Plan.Context[UserLoginStageExecutor.AuthMethodKey] = "password";
            run.Plan.Context[UserLoginStageExecutor.AuthMethodArgsKey] = new JsonObject();
            run.Plan.Context.Remove(PlanContext.FailedAttempts);
            return StageResult.Ok;
        }
        var tried = user?.Username ?? (run.Plan.Context[Flows.FlowExecutor.PendingUserIdentifierKey] as JsonValue)?.ToString() ?? "";
        await check.FailedAsync(run, tried, cancellationToken);
        var attempts = (run.Plan.Context[PlanContext.FailedAttempts] is JsonValue n && n.TryGetValue<int>(out var c) ? c : 0) + 1;
        run.Plan.Context[PlanContext.FailedAttempts] = attempts;
        if (attempts >= stage.FailedAttemptsBeforeCancel)
        {
            return StageResult.Invalid(InvalidPassword);
        }
        return StageResult.Show(await ChallengeAsync(run, new() { ["password"] = [new ErrorDetail(InvalidPassword, "invalid")] }, cancellationToken));
    }

    private static async Task<PasswordChallenge> ChallengeAsync(StageRun run, Dictionary<string, List<ErrorDetail>>? errors, CancellationToken cancellationToken)
    {
        var (username, avatar) = await DisplayAsync(run, cancellationToken);
        return new PasswordChallenge(username, avatar, AllowShowPassword: run.StageAs<PasswordStage>().AllowShowPassword) { ResponseErrors = errors };
    }

    /// <summary>The typed identifier when the identification stage kept one (an unknown account shows just like a known one).</summary>
    internal static async Task<(string Username, string Avatar)> DisplayAsync(StageRun run, CancellationToken cancellationToken)
    {
        if (run.Plan.Context[Flows.FlowExecutor.PendingUserIdentifierKey] is JsonValue identifier && identifier.TryGetValue<string>(out var typed))
        {
            return (typed, Avatars.For(new User { Username = typed }));
        }
        var user = await run.PendingUserAsync(cancellationToken);
        return user is null ? ("", Flows.FlowExecutor.DefaultAvatar) : (user.Username, Avatars.For(user));
    }
}
