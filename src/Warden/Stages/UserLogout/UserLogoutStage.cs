using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;

namespace Warden.Stages.UserLogout;

/// <summary>authentik's <c>authentik_stages_user_logout.UserLogoutStage</c>: ends the request's session.</summary>
public sealed class UserLogoutStage : Stage;

internal sealed class UserLogoutStageConfiguration : IEntityTypeConfiguration<UserLogoutStage>
{
    public void Configure(EntityTypeBuilder<UserLogoutStage> b) =>
        b.ToStageTable("authentik_stages_user_logout_userlogoutstage");
}
