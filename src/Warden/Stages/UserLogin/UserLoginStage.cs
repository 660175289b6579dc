using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;

namespace Warden.Stages.UserLogin;

/// <summary>authentik's <c>authentik_stages_user_login.UserLoginStage</c>. Durations are authentik's timedelta strings.</summary>
public sealed class UserLoginStage : Stage
{
    /// <summary>How long the session lasts, e.g. <c>hours=8</c>; <c>seconds=0</c> ends it with the browser session.</summary>
    public string SessionDuration { get; set; } = "seconds=0";
    public bool TerminateOtherSessions { get; set; }

    /// <summary>Added to the session duration when the person ticks "remember me"; <c>seconds=0</c> hides the box.</summary>
    public string RememberMeOffset { get; set; } = "seconds=0";

    /// <summary>NetworkBindingEnum: no_binding, bind_asn, bind_asn_network, bind_asn_network_ip.</summary>
    public string NetworkBinding { get; set; } = "no_binding";

    /// <summary>GeoipBindingEnum: no_binding, bind_continent, bind_continent_country, bind_continent_country_city.</summary>
    public string GeoipBinding { get; set; } = "no_binding";
    public string RememberDevice { get; set; } = "days=30";
}

internal sealed class UserLoginStageConfiguration : IEntityTypeConfiguration<UserLoginStage>
{
    public void Configure(EntityTypeBuilder<UserLoginStage> b)
    {
        b.ToStageTable("authentik_stages_user_login_userloginstage");
        b.Property(x => x.SessionDuration).HasColumnName("session_duration").IsRequired();
        b.Property(x => x.TerminateOtherSessions).HasColumnName("terminate_other_sessions");
        b.Property(x => x.RememberMeOffset).HasColumnName("remember_me_offset").IsRequired();
        b.Property(x => x.NetworkBinding).HasColumnName("network_binding").HasMaxLength(32).IsRequired();
        b.Property(x => x.GeoipBinding).HasColumnName("geoip_binding").HasMaxLength(32).IsRequired();
        b.Property(x => x.RememberDevice).HasColumnName("remember_device").IsRequired();
    }
}
