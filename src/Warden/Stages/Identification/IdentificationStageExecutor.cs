using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;
using Warden.Stages.Password;
using Warden.Stages.UserLogin;

namespace Warden.Stages.Identification;

/// <summary>
/// authentik's IdentificationStageView: the person types a username or email (the stage's <c>user_fields</c>,
/// case-insensitively when configured) and, when a password stage is set, the password in the same step. The
/// answer for an unknown account is the one for a wrong password (<c>Failed to authenticate.</c>), or, with
/// <c>pretend_user_exists</c> and no password here, the flow goes on as if the account existed.
/// </summary>
public sealed class IdentificationStageExecutor(WardenDbContext db, PasswordCheck check) : IStageExecutor
{
    public const string FailedToAuthenticate = "Failed to authenticate.";

    public Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) =>
        Task.FromResult(StageResult.Show(Challenge(run, null)));

    public async Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken)
    {
        var stage = run.StageAs<IdentificationStage>();
        if (response["uid_field"] is not JsonValue value || !value.TryGetValue<string>(out var uid) || uid.Trim().Length == 0)
        {
            var error = response.ContainsKey("uid_field") ? new ErrorDetail("This field may not be blank.", "blank") : new ErrorDetail("This field is required.", "required");
            return StageResult.Show(Challenge(run, new() { ["uid_field"] = [error] }));
        }
        uid = uid.Trim();
        var user = await FindAsync(stage, uid, cancellationToken);
        // Set even on failure, so the next challenges show what was typed, never whether it matched.
        run.Plan.Context[FlowExecutor.PendingUserIdentifierKey] = uid;
        if (user is null)
        {
            if (stage.PretendUserExists && stage.PasswordStage is null)
            {
                run.Plan.Context.Remove(PlanContext.PendingUser);
                return StageResult.Ok;
            }
            if (stage.PasswordStage is not null)
            {
                // Spend the same time as a real check, so timing does not tell either.
                await check.CheckAsync(null, PasswordOf(response) ?? "", stage.PasswordStage.Backends, cancellationToken);
            }
            return StageResult.Show(Challenge(run, Failed()));
        }
        if (stage.PasswordStage is { } passwordStage)
        {
            if (!await check.CheckAsync(user, PasswordOf(response) ?? "", passwordStage.Backends, cancellationToken))
            {
                await check.FailedAsync(run, user.Username, cancellationToken);
                return StageResult.Show(Challenge(run, Failed()));
            }
            run.Plan.Context[UserLoginStageExecutor.AuthMethodKey] = "password";
            run.Plan.Context[UserLoginStageExecutor.AuthMethodArgsKey] = new JsonObject();
        }
        run.Plan.Context[PlanContext.PendingUser] = user.Id;
        if (stage.ShowMatchedUser)
        {
            run.Plan.Context.Remove(FlowExecutor.PendingUserIdentifierKey);
        }
        return StageResult.Ok;
    }

    private static string? PasswordOf(JsonObject response) =>
        response["password"] is JsonValue p && p.TryGetValue<string>(out var password) ? password : null;

    private static Dictionary<string, List<ErrorDetail>> Failed() =>
        new() { [Api.ApiErrors.NonFieldErrors] = [new ErrorDetail(FailedToAuthenticate, "invalid")] };

    private async Task<User?> FindAsync(IdentificationStage stage, string uid, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking().Where(u => u.Username != User.AnonymousUsername);
        var lowered = uid.ToLowerInvariant();
        foreach (var field in stage.UserFields)
        {
            // LOWER() on both sides in SQL: string.Equals with a comparison does not translate.
#pragma warning disable CA1862
            var query = (field, stage.CaseInsensitiveMatching) switch
            {
                ("username", true) => users.Where(u => u.Username.ToLower() == lowered),
                ("username", false) => users.Where(u => u.Username == uid),
                ("email", true) => users.Where(u => u.Email.ToLower() == lowered),
                ("email", false) => users.Where(u => u.Email == uid),
                _ => null,
            };
#pragma warning restore CA1862
            if (query is not null && await query.OrderBy(u => u.Id).FirstOrDefaultAsync(cancellationToken) is { } user)
            {
                return user;
            }
        }
        return null;
    }

    private static IdentificationChallenge Challenge(StageRun run, Dictionary<string, List<ErrorDetail>>? errors)
    {
        var stage = run.StageAs<IdentificationStage>();
        return new IdentificationChallenge(
            [.. stage.UserFields],
            stage.PasswordStage is not null,
            run.Flow.Designation,
            run.Flow.Designation == "authentication" ? "Log in" : "Continue",
            stage.ShowSourceLabels,
            AllowShowPassword: stage.PasswordStage?.AllowShowPassword ?? false,
            EnableRememberMe: stage.EnableRememberMe)
        {
            ResponseErrors = errors,
        };
    }
}
