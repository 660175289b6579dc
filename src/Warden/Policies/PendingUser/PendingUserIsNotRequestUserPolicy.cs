using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Policies.PendingUser;

/// <summary>
/// Warden's native policy <c>authentik_policies_pending_user.pendinguserisnotrequestuserpolicy</c>: passes when the
/// flow has a pending user and it is not the user making the request. It replaces the Python expression of
/// authentik's lockdown blueprint ("an administrator locked someone else").
/// </summary>
public sealed class PendingUserIsNotRequestUserPolicy : Policy;

internal sealed class PendingUserIsNotRequestUserPolicyConfiguration : IEntityTypeConfiguration<PendingUserIsNotRequestUserPolicy>
{
    public void Configure(EntityTypeBuilder<PendingUserIsNotRequestUserPolicy> b) =>
        b.ToPolicyTable("authentik_policies_pending_user_pendinguserisnotrequestuserpolicy");
}

/// <summary>
/// Passes iff the plan context names a pending user and the HTTP request is not authenticated as that user
/// (an anonymous request with a pending user passes: someone else's account is being acted on).
/// </summary>
public sealed class PendingUserIsNotRequestUserEvaluator : IPolicyEvaluator
{
    public Type PolicyType => typeof(PendingUserIsNotRequestUserPolicy);

    public Task<PolicyResult> EvaluateAsync(Policy policy, PolicyRequest request, CancellationToken cancellationToken)
    {
        var pending = request.Context[Flows.PlanContext.PendingUser] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<int>(out var pk)
            ? pk
            : (int?)null;
        return Task.FromResult(PolicyResult.Of(pending is not null && pending != request.RequestUser?.Id));
    }
}
