using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Policies;

namespace Warden.Flows;

/// <summary>
/// authentik's <c>authentik_flows.FlowStageBinding</c>: a stage at a position in a flow. Its key doubles as its
/// policy-binding-model id (<c>policybindingmodel_ptr_id</c>): policies bound to it decide whether the stage runs.
/// </summary>
public sealed class FlowStageBinding
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TargetId { get; set; }
    public Flow Target { get; set; } = null!;
    public Guid StageId { get; set; }
    public Stage Stage { get; set; } = null!;

    /// <summary>Evaluate the binding's policies when the flow is planned.</summary>
    public bool EvaluateOnPlan { get; set; }

    /// <summary>Evaluate the binding's policies again just before the stage runs (authentik's default).</summary>
    public bool ReEvaluatePolicies { get; set; } = true;

    public int Order { get; set; }

    /// <summary>PolicyEngineMode: all, any.</summary>
    public string PolicyEngineMode { get; set; } = "any";

    /// <summary>InvalidResponseActionEnum: retry, restart, restart_with_context.</summary>
    public string InvalidResponseAction { get; set; } = "retry";

    public List<PolicyBinding> Policies { get; set; } = [];
}

internal sealed class FlowStageBindingConfiguration : IEntityTypeConfiguration<FlowStageBinding>
{
    public void Configure(EntityTypeBuilder<FlowStageBinding> b)
    {
        b.ToTable("authentik_flows_flowstagebinding");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("fsb_uuid");
        b.Property(x => x.TargetId).HasColumnName("target_id");
        b.HasOne(x => x.Target).WithMany(f => f.Bindings).HasForeignKey(x => x.TargetId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.StageId).HasColumnName("stage_id");
        b.HasOne(x => x.Stage).WithMany(s => s.Bindings).HasForeignKey(x => x.StageId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.EvaluateOnPlan).HasColumnName("evaluate_on_plan");
        b.Property(x => x.ReEvaluatePolicies).HasColumnName("re_evaluate_policies");
        b.Property(x => x.Order).HasColumnName("order");
        b.Property(x => x.PolicyEngineMode).HasColumnName("policy_engine_mode").HasMaxLength(3).IsRequired();
        b.Property(x => x.InvalidResponseAction).HasColumnName("invalid_response_action").HasMaxLength(32).IsRequired();
        b.HasIndex(x => new { x.TargetId, x.StageId, x.Order }).IsUnique().HasDatabaseName("ix_flowstagebinding_target_stage_order");
    }
}
