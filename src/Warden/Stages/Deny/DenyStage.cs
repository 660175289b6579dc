using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;

namespace Warden.Stages.Deny;

/// <summary>authentik's <c>authentik_stages_deny.DenyStage</c>: ends the flow with access denied.</summary>
public sealed class DenyStage : Stage
{
    public string DenyMessage { get; set; } = "";
}

internal sealed class DenyStageConfiguration : IEntityTypeConfiguration<DenyStage>
{
    public void Configure(EntityTypeBuilder<DenyStage> b)
    {
        b.ToStageTable("authentik_stages_deny_denystage");
        b.Property(x => x.DenyMessage).HasColumnName("deny_message").IsRequired();
    }
}
