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
