using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Stages.Password;

/// <summary>authentik's <c>authentik_stages_password.PasswordStage</c>.</summary>
public sealed class PasswordStage : Stage
{
    /// <summary>The Django authentication backends allowed (BackendsEnum); Warden checks the user's own password.</summary>
    public List<string> Backends { get; set; } = ["authentik.core.auth.InbuiltBackend"];
    public Guid? ConfigureFlowId { get; set; }

    /// <summary>After this many wrong passwords in one flow, the flow is cancelled (authentik's default 5).</summary>
    public int FailedAttemptsBeforeCancel { get; set; } = 5;
    public bool AllowShowPassword { get; set; }
}

internal sealed class PasswordStageConfiguration : IEntityTypeConfiguration<PasswordStage>
{
    public void Configure(EntityTypeBuilder<PasswordStage> b)
    {
        b.ToStageTable("authentik_stages_password_passwordstage");
        b.Property(x => x.Backends).HasColumnName("backends").IsJsonStringList();
        b.Property(x => x.ConfigureFlowId).HasColumnName("configure_flow_id");
        b.HasOne<Flow>().WithMany().HasForeignKey(x => x.ConfigureFlowId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.FailedAttemptsBeforeCancel).HasColumnName("failed_attempts_before_cancel");
        b.Property(x => x.AllowShowPassword).HasColumnName("allow_show_password");
    }
}
