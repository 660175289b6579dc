using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Flows;

/// <summary>authentik's <c>authentik_flows.Flow</c>. Enum-valued columns hold authentik's API strings.</summary>
public sealed class Flow
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";

    /// <summary>FlowDesignationEnum: authentication, authorization, invalidation, enrollment, unenrollment, recovery, stage_configuration.</summary>
    public string Designation { get; set; } = "stage_configuration";
    public string Background { get; set; } = "";

    /// <summary>PolicyEngineMode: all, any.</summary>
    public string PolicyEngineMode { get; set; } = "any";
    public bool CompatibilityMode { get; set; }

    /// <summary>FlowLayoutEnum.</summary>
    public string Layout { get; set; } = "stacked";

    /// <summary>DeniedActionEnum: message_continue, message, continue.</summary>
    public string DeniedAction { get; set; } = "message_continue";

    /// <summary>AuthenticationEnum: none, require_authenticated, require_unauthenticated, require_superuser, ...</summary>
    public string Authentication { get; set; } = "none";

    /// <summary>The flow's stages in order of <see cref="FlowStageBinding.Order"/>.</summary>
    public List<FlowStageBinding> Bindings { get; set; } = [];

    /// <summary>
    /// Policies bound to the flow itself (the flow's key doubles as its <c>policybindingmodel_ptr_id</c>): they decide
    /// whether the flow applies to the request at all.
    /// </summary>
    public List<Policies.PolicyBinding> Policies { get; set; } = [];
}

internal sealed class FlowConfiguration : IEntityTypeConfiguration<Flow>
{
    public void Configure(EntityTypeBuilder<Flow> b)
    {
        b.ToTable("authentik_flows_flow");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).HasColumnName("flow_uuid");
        b.Property(f => f.Name).HasColumnName("name").IsRequired();
        b.Property(f => f.Slug).HasColumnName("slug").HasMaxLength(50).IsRequired();
        b.HasIndex(f => f.Slug).IsUnique().HasDatabaseName("ix_flow_slug");
        b.Property(f => f.Title).HasColumnName("title").IsRequired();
        b.Property(f => f.Designation).HasColumnName("designation").HasMaxLength(100).IsRequired();
        b.Property(f => f.Background).HasColumnName("background").IsRequired();
        b.Property(f => f.PolicyEngineMode).HasColumnName("policy_engine_mode").HasMaxLength(3).IsRequired();
        b.Property(f => f.CompatibilityMode).HasColumnName("compatibility_mode");
        b.Property(f => f.Layout).HasColumnName("layout").HasMaxLength(64).IsRequired();
        b.Property(f => f.DeniedAction).HasColumnName("denied_action").HasMaxLength(32).IsRequired();
        b.Property(f => f.Authentication).HasColumnName("authentication").HasMaxLength(32).IsRequired();
    }
}
