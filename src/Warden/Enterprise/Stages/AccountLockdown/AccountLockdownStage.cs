using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;

namespace Warden.Enterprise.Stages.AccountLockdown;

/// <summary>
/// authentik's <c>authentik_stages_account_lockdown.AccountLockdownStage</c> (enterprise): locks the flow's pending
/// user, or the request's user when there is none.
/// </summary>
public sealed class AccountLockdownStage : Stage
{
    public bool DeactivateUser { get; set; } = true;
    public bool SetUnusablePassword { get; set; } = true;
    public bool DeleteSessions { get; set; } = true;
    public bool RevokeTokens { get; set; } = true;

    /// <summary>Where a self-service lockdown sends the (then logged-out) browser; set to null when that flow is deleted.</summary>
    public Guid? SelfServiceCompletionFlowId { get; set; }
    public Flow? SelfServiceCompletionFlow { get; set; }

    public LockdownActions Actions => new(DeactivateUser, SetUnusablePassword, DeleteSessions, RevokeTokens);
}

internal sealed class AccountLockdownStageConfiguration : IEntityTypeConfiguration<AccountLockdownStage>
{
    public void Configure(EntityTypeBuilder<AccountLockdownStage> b)
    {
        b.ToStageTable("authentik_stages_account_lockdown_accountlockdownstage");
        b.Property(x => x.DeactivateUser).HasColumnName("deactivate_user");
        b.Property(x => x.SetUnusablePassword).HasColumnName("set_unusable_password");
        b.Property(x => x.DeleteSessions).HasColumnName("delete_sessions");
        b.Property(x => x.RevokeTokens).HasColumnName("revoke_tokens");
        b.Property(x => x.SelfServiceCompletionFlowId).HasColumnName("self_service_completion_flow_id");
        b.HasOne(x => x.SelfServiceCompletionFlow).WithMany().HasForeignKey(x => x.SelfServiceCompletionFlowId).OnDelete(DeleteBehavior.SetNull);
        b.Ignore(x => x.Actions);
    }
}
