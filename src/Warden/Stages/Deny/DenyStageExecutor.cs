using System.Text.Json.Nodes;
using Warden.Flows;

namespace Warden.Stages.Deny;

/// <summary>
/// authentik's DenyStageView: cancels the flow with access denied. The message is the plan context's
/// <c>deny_message</c> when a previous stage set one, else the stage's own.
/// </summary>
public sealed class DenyStageExecutor : IStageExecutor
{
    /// <summary>The plan context key that overrides the stage's message.</summary>
    public const string DenyMessageKey = "deny_message";

    public Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) => Task.FromResult(Deny(run));

    public Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken) => Task.FromResult(Deny(run));

    private static StageResult Deny(StageRun run)
    {
        var message = run.Plan.Context[DenyMessageKey] is JsonValue value && value.TryGetValue<string>(out var fromPlan)
            ? fromPlan
            : run.StageAs<DenyStage>().DenyMessage;
        return StageResult.Invalid(message);
    }
}
