using System.Text.Json.Nodes;
using Warden.Core;

namespace Warden.Flows;

/// <summary>
/// Runs one stage of a flow (authentik's StageView). The executor calls <see cref="GetAsync"/> when the browser asks
/// for the current challenge and <see cref="PostAsync"/> with the browser's answer. A stage that shows nothing (user
/// logout, account lockdown) does its work in both and returns <see cref="StageResult.Ok"/> or
/// <see cref="StageResult.Invalid"/> at once.
/// </summary>
public interface IStageExecutor
{
    Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken);

    Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken);
}

/// <summary>What a stage executor decided.</summary>
public abstract record StageResult
{
    private StageResult()
    {
    }

    /// <summary>Show this challenge (again, with <c>response_errors</c>, after an invalid answer).</summary>
    public sealed record ShowChallenge(Challenge Challenge) : StageResult;

    /// <summary>authentik's <c>stage_ok</c>: the stage is done, the plan moves to the next stage.</summary>
    public sealed record Done : StageResult;

    /// <summary>
    /// authentik's <c>stage_invalid</c>: the flow is cancelled and ends with <c>ak-stage-access-denied</c> carrying
    /// this message (or restarts, per the binding's invalid_response_action).
    /// </summary>
    public sealed record Denied(string Message) : StageResult;

    /// <summary>Leave the flow for this URL (answered as <c>xak-flow-redirect</c>).</summary>
    public sealed record RedirectTo(string To) : StageResult;

    public static StageResult Show(Challenge challenge) => new ShowChallenge(challenge);

    public static readonly StageResult Ok = new Done();

    public static StageResult Invalid(string message) => new Denied(message);

    public static StageResult Redirect(string to) => new RedirectTo(to);
}

/// <summary>Everything a stage executor sees of the flow it runs in.</summary>
public sealed class StageRun
{
    public required HttpContext Http { get; init; }
    public required Flow Flow { get; init; }
    public required FlowStageBinding Binding { get; init; }

    /// <summary>The concrete stage entity (e.g. a <c>DenyStage</c>), loaded with the navigation properties its type needs.</summary>
    public required Stage Stage { get; init; }

    /// <summary>The plan, whose <see cref="FlowPlan.Context"/> the stage may change; the executor saves it.</summary>
    public required FlowPlan Plan { get; init; }

    /// <summary>The flow_info every challenge carries.</summary>
    public required ContextualFlowInfo FlowInfo { get; init; }

    /// <summary>The user the request is authenticated as (the browser's session), or null.</summary>
    public User? RequestUser => Http.CurrentUser();

    /// <summary>authentik's <c>get_pending_user</c>: the plan's pending user, else the request's user.</summary>
    public required Func<CancellationToken, Task<User?>> PendingUserAsync { get; init; }

    public TStage StageAs<TStage>() where TStage : Stage => (TStage)Stage;
}
