using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Stages.Identification;

/// <summary>
/// authentik's <c>authentik_stages_identification.IdentificationStage</c>. Captcha, WebAuthn and sources are
/// stages and models Warden does not have; their API fields answer null or empty.
/// </summary>
public sealed class IdentificationStage : Stage
{
    /// <summary>UserFieldsEnum values: email, username, upn.</summary>
    public List<string> UserFields { get; set; } = ["email", "username"];
    public Guid? PasswordStageId { get; set; }
    public Password.PasswordStage? PasswordStage { get; set; }
    public bool CaseInsensitiveMatching { get; set; } = true;
    public bool ShowMatchedUser { get; set; } = true;
    public Guid? EnrollmentFlowId { get; set; }
    public Guid? RecoveryFlowId { get; set; }
    public Guid? PasswordlessFlowId { get; set; }
    public bool ShowSourceLabels { get; set; }

    /// <summary>Answer an unknown identifier as if the account existed, so the form does not reveal which do.</summary>
    public bool PretendUserExists { get; set; } = true;
    public bool EnableRememberMe { get; set; }
}

internal sealed class IdentificationStageConfiguration : IEntityTypeConfiguration<IdentificationStage>
{
    public void Configure(EntityTypeBuilder<IdentificationStage> b)
    {
        b.ToStageTable("authentik_stages_identification_identificationstage");
        b.Property(x => x.UserFields).HasColumnName("user_fields").IsJsonStringList();
        b.Property(x => x.PasswordStageId).HasColumnName("password_stage_id");
        b.HasOne(x => x.PasswordStage).WithMany().HasForeignKey(x => x.PasswordStageId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.CaseInsensitiveMatching).HasColumnName("case_insensitive_matching");
        b.Property(x => x.ShowMatchedUser).HasColumnName("show_matched_user");
        Flow(b, x => x.EnrollmentFlowId, "enrollment_flow_id");
        Flow(b, x => x.RecoveryFlowId, "recovery_flow_id");
        Flow(b, x => x.PasswordlessFlowId, "passwordless_flow_id");
        b.Property(x => x.ShowSourceLabels).HasColumnName("show_source_labels");
        b.Property(x => x.PretendUserExists).HasColumnName("pretend_user_exists");
        b.Property(x => x.EnableRememberMe).HasColumnName("enable_remember_me");
    }

    private static void Flow(EntityTypeBuilder<IdentificationStage> b, System.Linq.Expressions.Expression<Func<IdentificationStage, Guid?>> key, string column)
    {
        b.Property(key).HasColumnName(column);
        b.HasOne<Flow>().WithMany().HasForeignKey(((System.Linq.Expressions.MemberExpression)key.Body).Member.Name).OnDelete(DeleteBehavior.SetNull);
    }
}
