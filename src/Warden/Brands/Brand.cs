using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Brands;

/// <summary>authentik's <c>authentik_brands.Brand</c>. Every flow reference is nulled when its flow is deleted.</summary>
public sealed class Brand
{
    public const string DefaultDomain = "authentik-default";

    public Guid Id { get; set; } = Guid.NewGuid();
    public string Domain { get; set; } = "";
    public bool Default { get; set; }
    public string BrandingTitle { get; set; } = "authentik";
    public string BrandingLogo { get; set; } = "/static/dist/assets/icons/icon_left_brand.svg";
    public string BrandingFavicon { get; set; } = "/static/dist/assets/icons/icon.png";
    public string BrandingCustomCss { get; set; } = "";
    public string BrandingDefaultFlowBackground { get; set; } = "/static/dist/assets/images/flow_background.jpg";
    public string BrandingMapTiles { get; set; } = "";

    public Guid? FlowAuthenticationId { get; set; }
    public Guid? FlowInvalidationId { get; set; }
    public Guid? FlowRecoveryId { get; set; }
    public Guid? FlowUnenrollmentId { get; set; }
    public Guid? FlowUserSettingsId { get; set; }
    public Guid? FlowDeviceCodeId { get; set; }
    public Guid? FlowUserSwitchId { get; set; }
    public Guid? FlowLockdownId { get; set; }
    public Guid? FlowRequestId { get; set; }

    public Flow? FlowAuthentication { get; set; }
    public Flow? FlowInvalidation { get; set; }
    public Flow? FlowRecovery { get; set; }
    public Flow? FlowUnenrollment { get; set; }
    public Flow? FlowUserSettings { get; set; }
    public Flow? FlowDeviceCode { get; set; }
    public Flow? FlowUserSwitch { get; set; }
    public Flow? FlowLockdown { get; set; }
    public Flow? FlowRequest { get; set; }

    public JsonObject Attributes { get; set; } = [];
}

internal sealed class BrandConfiguration : IEntityTypeConfiguration<Brand>
{
    public void Configure(EntityTypeBuilder<Brand> b)
    {
        b.ToTable("authentik_brands_brand");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("brand_uuid");
        b.Property(x => x.Domain).HasColumnName("domain").IsRequired();
        b.Property(x => x.Default).HasColumnName("default");
        b.Property(x => x.BrandingTitle).HasColumnName("branding_title").IsRequired();
        b.Property(x => x.BrandingLogo).HasColumnName("branding_logo").IsRequired();
        b.Property(x => x.BrandingFavicon).HasColumnName("branding_favicon").IsRequired();
        b.Property(x => x.BrandingCustomCss).HasColumnName("branding_custom_css").IsRequired();
        b.Property(x => x.BrandingDefaultFlowBackground).HasColumnName("branding_default_flow_background").IsRequired();
        b.Property(x => x.BrandingMapTiles).HasColumnName("branding_map_tiles").IsRequired();
        b.Property(x => x.Attributes).HasColumnName("attributes").IsJsonObject();
        Flow(b, x => x.FlowAuthentication, x => x.FlowAuthenticationId, "flow_authentication_id");
        Flow(b, x => x.FlowInvalidation, x => x.FlowInvalidationId, "flow_invalidation_id");
        Flow(b, x => x.FlowRecovery, x => x.FlowRecoveryId, "flow_recovery_id");
        Flow(b, x => x.FlowUnenrollment, x => x.FlowUnenrollmentId, "flow_unenrollment_id");
        Flow(b, x => x.FlowUserSettings, x => x.FlowUserSettingsId, "flow_user_settings_id");
        Flow(b, x => x.FlowDeviceCode, x => x.FlowDeviceCodeId, "flow_device_code_id");
        Flow(b, x => x.FlowUserSwitch, x => x.FlowUserSwitchId, "flow_user_switch_id");
        Flow(b, x => x.FlowLockdown, x => x.FlowLockdownId, "flow_lockdown_id");
        Flow(b, x => x.FlowRequest, x => x.FlowRequestId, "flow_request_id");
    }

    private static void Flow(
        EntityTypeBuilder<Brand> b,
        System.Linq.Expressions.Expression<Func<Brand, Flow?>> navigation,
        System.Linq.Expressions.Expression<Func<Brand, Guid?>> foreignKey,
        string column)
    {
        b.Property(foreignKey!).HasColumnName(column);
        b.HasOne(navigation).WithMany().HasForeignKey(((System.Linq.Expressions.MemberExpression)foreignKey.Body).Member.Name).OnDelete(DeleteBehavior.SetNull);
    }
}
