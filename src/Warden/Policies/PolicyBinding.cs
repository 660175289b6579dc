using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Core;
using Warden.Flows;

namespace Warden.Policies;

/// <summary>
/// authentik's <c>authentik_policies.PolicyBinding</c>: binds one policy, group or user to a target (a flow or a
/// flow stage binding; authentik's PolicyBindingModel). The API's <c>target</c> is the target's key: exactly one of
/// <see cref="TargetFlowId"/> and <see cref="TargetBindingId"/> is set, so deleting the target deletes its bindings.
/// </summary>
public sealed class PolicyBinding
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid? PolicyId { get; set; }
    public Policy? Policy { get; set; }
    public Guid? GroupId { get; set; }
    public Group? Group { get; set; }
    public int? UserId { get; set; }
    public User? User { get; set; }

    public Guid? TargetFlowId { get; set; }
    public Flow? TargetFlow { get; set; }
    public Guid? TargetBindingId { get; set; }
    public FlowStageBinding? TargetBinding { get; set; }

    /// <summary>The target's policy-binding-model id, as the API names it.</summary>
    public Guid Target => TargetFlowId ?? TargetBindingId ?? Guid.Empty;

    public bool Negate { get; set; }
    public bool Enabled { get; set; } = true;
    public int Order { get; set; }

    /// <summary>Seconds a policy may run (authentik's default 30).</summary>
    public int Timeout { get; set; } = 30;

    /// <summary>The result when the policy fails with an error.</summary>
    public bool FailureResult { get; set; }
}

internal sealed class PolicyBindingConfiguration : IEntityTypeConfiguration<PolicyBinding>
{
    public void Configure(EntityTypeBuilder<PolicyBinding> b)
    {
        b.ToTable("authentik_policies_policybinding");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("policy_binding_uuid");
        b.Property(x => x.PolicyId).HasColumnName("policy_id");
        b.HasOne(x => x.Policy).WithMany().HasForeignKey(x => x.PolicyId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.GroupId).HasColumnName("group_id");
        b.HasOne(x => x.Group).WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.UserId).HasColumnName("user_id");
        b.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.TargetFlowId).HasColumnName("target_flow_id");
        b.HasOne(x => x.TargetFlow).WithMany(f => f.Policies).HasForeignKey(x => x.TargetFlowId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.TargetBindingId).HasColumnName("target_binding_id");
        b.HasOne(x => x.TargetBinding).WithMany(f => f.Policies).HasForeignKey(x => x.TargetBindingId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(x => x.Target);
        b.Property(x => x.Negate).HasColumnName("negate");
        b.Property(x => x.Enabled).HasColumnName("enabled");
        b.Property(x => x.Order).HasColumnName("order");
        b.Property(x => x.Timeout).HasColumnName("timeout");
        b.Property(x => x.FailureResult).HasColumnName("failure_result");
        b.HasIndex(x => x.TargetFlowId).HasDatabaseName("ix_policybinding_target_flow");
        b.HasIndex(x => x.TargetBindingId).HasDatabaseName("ix_policybinding_target_binding");
    }
}
