using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Persistence;
using Warden.Policies;
using Warden.Rbac;

namespace Warden.Flows;

/// <summary>What planning a flow gave: a plan, or one of the two refusals callers tell apart.</summary>
public abstract record PlanOutcome
{
    private PlanOutcome()
    {
    }

    /// <summary>The flow applies; these are the stages to run.</summary>
    public sealed record Planned(FlowPlan Plan) : PlanOutcome;

    /// <summary>authentik's <c>FlowNonApplicableException</c>, with its <c>messages</c> (one string, lines joined).</summary>
    public sealed record NotApplicable(string Messages) : PlanOutcome;

    /// <summary>authentik's <c>EmptyFlowException</c>: the flow applies but no stage is left after the policies.</summary>
    public sealed record Empty : PlanOutcome;
}

/// <summary>authentik's <c>FlowAuthenticationRequirement</c> values.</summary>
public static class FlowAuthentication
{
    public const string None = "none";
    public const string RequireAuthenticated = "require_authenticated";
    public const string RequireUnauthenticated = "require_unauthenticated";
    public const string RequireSuperuser = "require_superuser";
    public const string RequireRedirect = "require_redirect";
    public const string RequireOutpost = "require_outpost";
    public const string RequireToken = "require_token";

    public static readonly string[] All = [None, RequireAuthenticated, RequireUnauthenticated, RequireSuperuser, RequireRedirect, RequireOutpost, RequireToken];
}

/// <summary>
/// authentik's <c>FlowPlanner</c>: decides whether a flow applies to a request and which of its stages to run.
/// <list type="number">
/// <item>The flow's authentication requirement, against the request's user.</item>
/// <item>The flow's own policy bindings, judged for the pending user of the initial context (if any), else the
/// request's user.</item>
/// <item>Each stage binding in order: <c>evaluate_on_plan</c> ones are judged now (and dropped when they fail);
/// <c>re_evaluate_policies</c> ones are marked, to be judged when reached; others are included as they are.</item>
/// </list>
/// </summary>
public sealed class FlowPlanner(WardenDbContext db, PolicyEngine policies, Permissions permissions)
{
    /// <summary>authentik's fallback message of a flow that does not apply.</summary>
    public const string NotApplicableMessage = "Flow does not apply to current user (denied by policy).";

    /// <summary>Set by the caller when the request was redirected into the flow (<c>require_redirect</c>).</summary>
    public const string IsRedirectedKey = "is_redirected";

    /// <summary>
    /// Plans <paramref name="flow"/> for <paramref name="http"/>. <paramref name="initialContext"/> becomes the plan's
    /// context (its <c>pending_user</c>, an integer primary key, is the user the policies judge).
    /// <paramref name="useCache"/> is kept for parity with authentik's <c>use_cache</c>: Warden keeps no plan or
    /// policy cache at all, so every plan is built from the database and the argument changes nothing.
    /// </summary>
    public async Task<PlanOutcome> PlanAsync(
        HttpContext http, Flow flow, JsonObject? initialContext = null, bool useCache = true, CancellationToken cancellationToken = default)
    {
        _ = useCache;
        var context = initialContext?.DeepClone().AsObject() ?? [];
        if (!await AuthenticationMetAsync(http, flow, context, cancellationToken))
        {
            return new PlanOutcome.NotApplicable(NotApplicableMessage);
        }
        var user = await PolicyUserAsync(http, context, cancellationToken);
        var flowResult = await policies.EvaluateAsync(flow, new PolicyRequest(user, http, context), cancellationToken);
        if (!flowResult.Passing)
        {
            return new PlanOutcome.NotApplicable(flowResult.Messages.Count == 0 ? NotApplicableMessage : string.Join('\n', flowResult.Messages));
        }

        var plan = new FlowPlan { FlowId = flow.Id, Context = context };
        var bindings = await db.Set<FlowStageBinding>().AsNoTracking()
            .Where(b => b.TargetId == flow.Id)
            .OrderBy(b => b.Order).ThenBy(b => b.Id)
            .ToListAsync(cancellationToken);
        foreach (var binding in bindings)
        {
            if (binding.EvaluateOnPlan)
            {
                var result = await policies.EvaluateAsync(binding, new PolicyRequest(user, http, plan.Context), cancellationToken);
                if (!result.Passing)
                {
                    continue;
                }
            }
            plan.Bindings.Add(new PlannedBinding(binding.Id, binding.ReEvaluatePolicies));
        }
        return plan.Bindings.Count == 0 ? new PlanOutcome.Empty() : new PlanOutcome.Planned(plan);
    }

    /// <summary>
    /// authentik's <c>_check_authentication</c>. Warden has no outposts, and no token-only flow access, so a flow
    /// that requires either never applies.
    /// </summary>
    private async Task<bool> AuthenticationMetAsync(HttpContext http, Flow flow, JsonObject context, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser();
        return flow.Authentication switch
        {
            FlowAuthentication.None => true,
            FlowAuthentication.RequireAuthenticated => user is not null,
            FlowAuthentication.RequireUnauthenticated => user is null,
            FlowAuthentication.RequireSuperuser => user is not null && await permissions.IsSuperuserAsync(user, cancellationToken),
            FlowAuthentication.RequireRedirect => context.ContainsKey(IsRedirectedKey) && context[IsRedirectedKey] is not null,
            // An unknown requirement never lets anyone through.
            _ => false,
        };
    }

    /// <summary>The pending user of the context when there is one (authentik's cache-key workaround), else the request's user.</summary>
    private async Task<User?> PolicyUserAsync(HttpContext http, JsonObject context, CancellationToken cancellationToken)
    {
        if (context[PlanContext.PendingUser] is JsonValue value && value.TryGetValue<int>(out var pk))
        {
            return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == pk, cancellationToken);
        }
        return http.CurrentUser();
    }
}
