using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>authentik's <c>authentik_core.User</c>.</summary>
public sealed class User
{
    /// <summary>Username of the anonymous user, as django-guardian names it.</summary>
    public const string AnonymousUsername = "AnonymousUser";

    public int Id { get; set; }
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public string Username { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public UserType Type { get; set; } = UserType.Internal;
    public string Path { get; set; } = "users";
    public JsonObject Attributes { get; set; } = [];

    /// <summary>Django-format password hash; "!"-prefixed when unusable.</summary>
    public string Password { get; set; } = "";
    public DateTime PasswordChangeDate { get; set; }
    public DateTime? LastLogin { get; set; }
    public DateTime DateJoined { get; set; }
    public DateTime LastUpdated { get; set; }

    public List<Group> Groups { get; set; } = [];
    public List<Rbac.Role> Roles { get; set; } = [];

    public bool IsAnonymous => Username == AnonymousUsername;
}

public enum UserType
{
    Internal,
    External,
    ServiceAccount,
    InternalServiceAccount,
}

public static class UserTypes
{
    public static string ToApi(this UserType type) => type switch
    {
        UserType.Internal => "internal",
        UserType.External => "external",
        UserType.ServiceAccount => "service_account",
        UserType.InternalServiceAccount => "internal_service_account",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static UserType? FromApi(string? value) => value switch
    {
        "internal" => UserType.Internal,
        "external" => UserType.External,
        "service_account" => UserType.ServiceAccount,
        "internal_service_account" => UserType.InternalServiceAccount,
        _ => null,
    };
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("authentik_core_user");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).HasColumnName("id");
        b.Property(u => u.Uuid).HasColumnName("uuid");
        b.HasIndex(u => u.Uuid).IsUnique().HasDatabaseName("ix_user_uuid");
        b.Property(u => u.Username).HasColumnName("username").HasMaxLength(150).IsRequired();
        b.HasIndex(u => u.Username).IsUnique().HasDatabaseName("ix_user_username");
        b.Property(u => u.Name).HasColumnName("name").IsRequired();
        b.Property(u => u.Email).HasColumnName("email").HasMaxLength(254).IsRequired();
        b.Property(u => u.IsActive).HasColumnName("is_active");
        b.Property(u => u.Type).HasColumnName("type").HasMaxLength(32)
            .HasConversion(t => t.ToApi(), s => UserTypes.FromApi(s) ?? UserType.Internal);
        b.Property(u => u.Path).HasColumnName("path").IsRequired();
        b.Property(u => u.Attributes).HasColumnName("attributes").IsJsonObject();
        b.Property(u => u.Password).HasColumnName("password").HasMaxLength(256).IsRequired();
        b.Property(u => u.PasswordChangeDate).HasColumnName("password_change_date");
        b.Property(u => u.LastLogin).HasColumnName("last_login");
        b.Property(u => u.DateJoined).HasColumnName("date_joined");
        b.Property(u => u.LastUpdated).HasColumnName("last_updated");
        b.HasMany(u => u.Groups).WithMany(g => g.Users).UsingEntity(
            "authentik_core_user_groups",
            r => r.HasOne(typeof(Group)).WithMany().HasForeignKey("group_id").OnDelete(DeleteBehavior.Cascade),
            l => l.HasOne(typeof(User)).WithMany().HasForeignKey("user_id").OnDelete(DeleteBehavior.Cascade));
        b.HasMany(u => u.Roles).WithMany(r => r.Users).UsingEntity(
            "authentik_rbac_role_users",
            r => r.HasOne(typeof(Rbac.Role)).WithMany().HasForeignKey("role_id").OnDelete(DeleteBehavior.Cascade),
            l => l.HasOne(typeof(User)).WithMany().HasForeignKey("user_id").OnDelete(DeleteBehavior.Cascade));
    }
}
