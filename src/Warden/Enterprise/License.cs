using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Enterprise;

/// <summary>
/// authentik's <c>authentik_enterprise.License</c>: an installed licence key. Name, expiry and user numbers are
/// copied from the key's verified claims when it is saved; the key stays the source of truth.
/// </summary>
public sealed class License
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTime Expiry { get; set; }
    public long InternalUsers { get; set; }
    public long ExternalUsers { get; set; }

    /// <summary>Copies the fields a licence key determines (authentik's pre_save signal).</summary>
    public void Apply(string key, LicenseClaims claims)
    {
        Key = key;
        Name = claims.Name;
        Expiry = claims.Expiry;
        InternalUsers = claims.InternalUsers;
        ExternalUsers = claims.ExternalUsers;
    }
}

/// <summary>
/// authentik's <c>authentik_enterprise.LicenseUsage</c>: the status and user counts recorded at most every eight
/// hours. The grace periods count from the newest <c>valid</c> record, so every node reads the same history.
/// </summary>
public sealed class LicenseUsage
{
    /// <summary>authentik keeps usage records for three months.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    public Guid Id { get; set; } = Guid.NewGuid();
    public long InternalUserCount { get; set; }
    public long ExternalUserCount { get; set; }
    public string Status { get; set; } = LicenseUsageStatus.Unlicensed;
    public DateTime RecordDate { get; set; }
    public bool Expiring { get; set; } = true;
    public DateTime Expires { get; set; }
}

/// <summary>The licence states authentik knows (<c>LicenseSummaryStatusEnum</c>).</summary>
public static class LicenseUsageStatus
{
    public const string Unlicensed = "unlicensed";
    public const string Valid = "valid";
    public const string Expired = "expired";
    public const string ExpirySoon = "expiry_soon";

    /// <summary>Over the user limit for more than two weeks: a warning in the admin interface.</summary>
    public const string LimitExceededAdmin = "limit_exceeded_admin";

    /// <summary>Over the user limit for more than four weeks: a warning in the user interface.</summary>
    public const string LimitExceededUser = "limit_exceeded_user";

    /// <summary>Over the limit, or expired, for more than six weeks: unsafe API requests are refused.</summary>
    public const string ReadOnly = "read_only";

    public static readonly string[] All = [Unlicensed, Valid, Expired, ExpirySoon, LimitExceededAdmin, LimitExceededUser, ReadOnly];

    /// <summary>Enterprise features are available only while the status is valid or expiry_soon.</summary>
    public static bool IsValid(string status) => status is Valid or ExpirySoon;
}

internal sealed class LicenseConfiguration : IEntityTypeConfiguration<License>
{
    public void Configure(EntityTypeBuilder<License> b)
    {
        b.ToTable("authentik_enterprise_license");
        b.HasKey(l => l.Id);
        b.Property(l => l.Id).HasColumnName("license_uuid").ValueGeneratedNever();
        b.Property(l => l.Key).HasColumnName("key").IsRequired();
        b.Property(l => l.Name).HasColumnName("name").IsRequired();
        b.Property(l => l.Expiry).HasColumnName("expiry");
        b.Property(l => l.InternalUsers).HasColumnName("internal_users");
        b.Property(l => l.ExternalUsers).HasColumnName("external_users");
        b.HasIndex(l => l.Name).HasDatabaseName("ix_license_name");
    }
}

internal sealed class LicenseUsageConfiguration : IEntityTypeConfiguration<LicenseUsage>
{
    public void Configure(EntityTypeBuilder<LicenseUsage> b)
    {
        b.ToTable("authentik_enterprise_licenseusage");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).HasColumnName("usage_uuid").ValueGeneratedNever();
        b.Property(u => u.InternalUserCount).HasColumnName("internal_user_count");
        b.Property(u => u.ExternalUserCount).HasColumnName("external_user_count");
        b.Property(u => u.Status).HasColumnName("status").HasMaxLength(32).IsRequired();
        b.Property(u => u.RecordDate).HasColumnName("record_date");
        b.Property(u => u.Expiring).HasColumnName("expiring");
        b.Property(u => u.Expires).HasColumnName("expires");
        b.HasIndex(u => new { u.Status, u.RecordDate }).HasDatabaseName("ix_licenseusage_status_record_date");
        b.HasIndex(u => u.RecordDate).HasDatabaseName("ix_licenseusage_record_date");
        b.HasIndex(u => u.Expires).HasDatabaseName("ix_licenseusage_expires");
    }
}
