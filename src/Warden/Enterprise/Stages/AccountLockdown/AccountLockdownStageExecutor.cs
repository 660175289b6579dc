using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Enterprise.Stages.AccountLockdown;

/// <summary>
/// authentik's <c>AccountLockdownStageView</c>: not a challenge stage; it runs as soon as it becomes the current stage
/// (GET or POST alike), locks the target and either continues the flow or, after a self-service lockdown that ended
/// the browser's sessions, sends it to the completion flow. The stage itself has no licence check, as in authentik:
/// the licence gates creating the stage and starting the lockdown.
/// </summary>
public sealed partial class AccountLockdownStageExecutor(
    WardenDbContext db, AccountLockdown lockdown, SessionStore sessions, ILogger<AccountLockdownStageExecutor> logger) : IStageExecutor
{
    public const string NoTargetMessage = "No target user specified for account lockdown";
    public const string PermissionDeniedMessage = "You do not have permission to lock down this account.";
    public const string FailedMessage = "Account lockdown failed for this account.";
    public const string CompletionFlowRequiredMessage = "Self-service account lockdown requires a completion flow.";

    public Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) => RunAsync(run, cancellationToken);

    public Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken) => RunAsync(run, cancellationToken);

    private async Task<StageResult> RunAsync(StageRun run, CancellationToken cancellationToken)
    {
        var stage = run.StageAs<AccountLockdownStage>();
        var actor = run.RequestUser;

        // 1. The plan's pending user, else the browser's user. A pending_user that is present but unreadable names
        // nobody: falling back to the request's user would lock the wrong account.
        int? targetId;
        if (run.Plan.Context.ContainsKey(PlanContext.PendingUser))
        {
            targetId = run.Plan.PendingUserId();
        }
        else
        {
            targetId = actor?.Id;
        }
        if (targetId is null)
        {
            return StageResult.Invalid(NoTargetMessage);
        }

        // 2. Eligibility again: the user may have been deleted or turned into a service account since planning.
        var target = await AccountLockdown.Targets(db).AsNoTracking().FirstOrDefaultAsync(u => u.Id == targetId, cancellationToken);
        if (target is null)
        {
            return StageResult.Invalid(NoTargetMessage);
        }

        // 3. Permission again, for the browser's user: the plan may have been made by someone else's call, and a
        // permission may have been withdrawn since. An anonymous browser may lock nobody.
        if (!await lockdown.CanLockAsync(actor, target, cancellationToken))
        {
            return StageResult.Invalid(PermissionDeniedMessage);
        }

        // 4. The reason typed in the prompt wins, even when empty.
        var reason = ReasonOf(run.Plan);

        // 5. A self-service lockdown that ends the browser's own session must have somewhere to send it; refuse before
        // anything changes.
        var selfService = actor is not null && actor.Id == target.Id;
        if (selfService && stage.DeleteSessions && stage.SelfServiceCompletionFlowId is null)
        {
            return StageResult.Invalid(CompletionFlowRequiredMessage);
        }

        // 6. The lockdown.
        try
        {
            await lockdown.LockAsync(run.Http, target, stage.Actions, reason, actor, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, ex, target.Id);
            return StageResult.Invalid(FailedMessage);
        }

        // 7. The browser's session is gone (its row was deleted with the user's sessions): start it over empty and
        // leave for the completion flow, which needs no login.
        if (selfService && stage.DeleteSessions)
        {
            var completion = await db.Set<Flow>().AsNoTracking()
                .Where(f => f.Id == stage.SelfServiceCompletionFlowId)
                .Select(f => f.Slug)
                .FirstOrDefaultAsync(cancellationToken);
            await sessions.FlushAsync(run.Http, cancellationToken);
            if (completion is null)
            {
                return StageResult.Invalid(CompletionFlowRequiredMessage);
            }
            return StageResult.Redirect($"/if/flow/{completion}/");
        }
        return StageResult.Ok;
    }

    /// <summary>authentik's <c>get_reason</c>: <c>prompt_data.lockdown_reason</c>, else the context's <c>lockdown_reason</c>, else empty.</summary>
    public static string ReasonOf(FlowPlan plan)
    {
        if (plan.Context[PlanContext.PromptData] is JsonObject prompt && prompt.TryGetPropertyValue(AccountLockdown.ReasonKey, out var fromPrompt))
        {
            return Text(fromPrompt);
        }
        return plan.Context.TryGetPropertyValue(AccountLockdown.ReasonKey, out var fromContext) ? Text(fromContext) : "";
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Account lockdown of user {TargetId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, int targetId);
}
