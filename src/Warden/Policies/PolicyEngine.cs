using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Policies;

/// <summary>
/// authentik's <c>PolicyRequest</c>: the user the policies judge (the flow's pending user, else the request's
/// user), the HTTP request (whose own user may differ), and the context (the plan's context while planning).
/// </summary>
public sealed record PolicyRequest(User? User, HttpContext? Http, JsonObject Context)
{
    /// <summary>The user the HTTP request is authenticated as (authentik's <c>http_request.user</c>).</summary>
    public User? RequestUser => Http?.CurrentUser();
}

/// <summary>authentik's <c>PolicyResult</c>: passing or not, with the messages the policies gave.</summary>
public sealed record PolicyResult(bool Passing, IReadOnlyList<string> Messages)
{
    public static PolicyResult Pass { get; } = new(true, []);

    public static PolicyResult Fail { get; } = new(false, []);

    public static PolicyResult Of(bool passing, params string[] messages) => new(passing, messages);
}

/// <summary>
/// Evaluates one policy type (authentik's <c>Policy.passes</c>). Each policy type registers one with
/// <see cref="PolicyRegistration.AddPolicyEvaluator{TPolicy, TEvaluator}"/>.
/// </summary>
public interface IPolicyEvaluator
{
    Type PolicyType { get; }

    Task<PolicyResult> EvaluateAsync(Policy policy, PolicyRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// authentik's <c>PolicyEngine</c>: evaluates the enabled policy bindings of a flow or a flow stage binding, in
/// order. A binding names a policy (evaluated by its type's evaluator), a group (passes when the user is a member
/// of it, directly or through one of its child groups) or a user (passes for that user). <c>negate</c> inverts a
/// binding's result; an evaluation that throws takes the binding's <c>failure_result</c>. The target's
/// <c>policy_engine_mode</c> combines them: <c>all</c> or <c>any</c>; a target without bindings passes.
/// Nothing is cached: every call reads the database (authentik's policy cache is off when use_cache is false;
/// Warden has none at all, so results can never be stale on another node).
/// </summary>
public sealed partial class PolicyEngine(WardenDbContext db, Permissions permissions, IEnumerable<IPolicyEvaluator> evaluators, ILogger<PolicyEngine> logger)
{
    public const string ModeAll = "all";
    public const string ModeAny = "any";

    private readonly Dictionary<Type, IPolicyEvaluator> _evaluators = evaluators.ToDictionary(e => e.PolicyType);

    /// <summary>The flow's own bindings: whether the flow applies to the request at all.</summary>
    public Task<PolicyResult> EvaluateAsync(Flow flow, PolicyRequest request, CancellationToken cancellationToken) =>
        EvaluateAsync(db.Set<PolicyBinding>().Where(b => b.TargetFlowId == flow.Id), flow.PolicyEngineMode, request, cancellationToken);

    /// <summary>A stage binding's bindings: whether the stage runs.</summary>
    public Task<PolicyResult> EvaluateAsync(FlowStageBinding binding, PolicyRequest request, CancellationToken cancellationToken) =>
        EvaluateAsync(db.Set<PolicyBinding>().Where(b => b.TargetBindingId == binding.Id), binding.PolicyEngineMode, request, cancellationToken);

    private async Task<PolicyResult> EvaluateAsync(IQueryable<PolicyBinding> target, string mode, PolicyRequest request, CancellationToken cancellationToken)
    {
        var bindings = await target.AsNoTracking()
            .Where(b => b.Enabled)
            .Include(b => b.Policy)
            .OrderBy(b => b.Order).ThenBy(b => b.Id)
            .ToListAsync(cancellationToken);
        if (bindings.Count == 0)
        {
            return PolicyResult.Pass;
        }
        HashSet<Guid>? groups = null;
        var results = new List<PolicyResult>(bindings.Count);
        foreach (var binding in bindings)
        {
            PolicyResult result;
            if (binding.Policy is { } policy)
            {
                result = await EvaluatePolicyAsync(binding, policy, request, cancellationToken);
            }
            else if (binding.GroupId is { } groupId)
            {
                // authentik's Group.is_member: the user's groups and all their ancestors, so a member of a child
                // group is a member of its parents.
                groups ??= request.User is { } user ? [.. await permissions.GroupClosureAsync(user.Id, cancellationToken)] : [];
                result = PolicyResult.Of(groups.Contains(groupId));
            }
            else if (binding.UserId is { } userId)
            {
                result = PolicyResult.Of(request.User?.Id == userId);
            }
            else
            {
                result = PolicyResult.Fail;
            }
            if (binding.Policy is null && binding.Negate)
            {
                result = result with { Passing = !result.Passing };
            }
            results.Add(result);
        }
        var passing = mode == ModeAny ? results.Any(r => r.Passing) : results.All(r => r.Passing);
        return new PolicyResult(passing, [.. results.SelectMany(r => r.Messages)]);
    }

    private async Task<PolicyResult> EvaluatePolicyAsync(PolicyBinding binding, Policy policy, PolicyRequest request, CancellationToken cancellationToken)
    {
        if (!_evaluators.TryGetValue(policy.GetType(), out var evaluator))
        {
            // A policy type this server cannot evaluate must not silently pass: it fails as an error would.
            LogNoEvaluator(logger, policy.GetType().Name, policy.Id);
            return PolicyResult.Of(binding.FailureResult, $"Policy type {policy.GetType().Name} cannot be evaluated.");
        }
        try
        {
            var result = await evaluator.EvaluateAsync(policy, request, cancellationToken);
            return binding.Negate ? result with { Passing = !result.Passing } : result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // As authentik's PolicyProcess: an error takes the binding's failure result (negate does not apply).
            LogPolicyFailed(logger, ex, policy.Id);
            return PolicyResult.Of(binding.FailureResult, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "No evaluator for policy type {PolicyType} (policy {PolicyId})")]
    private static partial void LogNoEvaluator(ILogger logger, string policyType, Guid policyId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Policy {PolicyId} failed")]
    private static partial void LogPolicyFailed(ILogger logger, Exception exception, Guid policyId);
}

public static class PolicyRegistration
{
    /// <summary>The policy engine and Warden's native policy types.</summary>
    public static IServiceCollection AddPolicies(this IServiceCollection services)
    {
        services.AddScoped<PolicyEngine>();
        services.AddPolicyEvaluator<PendingUser.PendingUserIsNotRequestUserPolicy, PendingUser.PendingUserIsNotRequestUserEvaluator>();
        return services;
    }

    public static IServiceCollection AddPolicyEvaluator<TPolicy, TEvaluator>(this IServiceCollection services)
        where TPolicy : Policy
        where TEvaluator : class, IPolicyEvaluator
    {
        services.AddSingleton<IPolicyEvaluator, TEvaluator>();
        return services;
    }
}
