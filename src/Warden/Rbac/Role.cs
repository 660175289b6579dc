using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Rbac;

/// <summary>authentik's <c>authentik_rbac.Role</c>: held by users directly or through groups.</summary>
public sealed class Role
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";

    /// <summary>authentik's ManagedModel key: set on roles that authentik itself maintains, null otherwise.</summary>
    public string? Managed { get; set; }

    public List<Core.User> Users { get; set; } = [];
    public List<Core.Group> Groups { get; set; } = [];
    public List<RolePermission> Permissions { get; set; } = [];
}

/// <summary>
/// A permission granted to a role: global when <see cref="ObjectPk"/> is null, otherwise on that one object
/// (ak-guardian's RoleModelPermission and RoleObjectPermission in one table).
/// </summary>
public sealed class RolePermission
{
    public long Id { get; set; }
    public Guid RoleId { get; set; }
    public Role Role { get; set; } = null!;

    /// <summary>Full codename, <c>app_label.codename</c>, e.g. <c>authentik_core.change_user</c>.</summary>
    public string Permission { get; set; } = "";

    /// <summary>The object's primary key as text, or null for a global (model) permission.</summary>
    public string? ObjectPk { get; set; }
}

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.ToTable("authentik_rbac_role");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasColumnName("uuid");
        b.Property(r => r.Name).HasColumnName("name").IsRequired();
        b.HasIndex(r => r.Name).IsUnique().HasDatabaseName("ix_role_name");
        b.Property(r => r.Managed).HasColumnName("managed");
        b.HasIndex(r => r.Managed).IsUnique().HasDatabaseName("ix_role_managed");
    }
}

internal sealed class RolePermissionConfiguration : IEntityTypeConfiguration<RolePermission>
{
    public void Configure(EntityTypeBuilder<RolePermission> b)
    {
        b.ToTable("authentik_rbac_rolepermission");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasColumnName("id");
        b.Property(p => p.RoleId).HasColumnName("role_id");
        b.HasOne(p => p.Role).WithMany(r => r.Permissions).HasForeignKey(p => p.RoleId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.Permission).HasColumnName("permission").HasMaxLength(255).IsRequired();
        b.Property(p => p.ObjectPk).HasColumnName("object_pk").HasMaxLength(255);
        b.HasIndex(p => new { p.RoleId, p.Permission, p.ObjectPk }).IsUnique().HasDatabaseName("ix_rolepermission_unique");
        b.HasIndex(p => new { p.Permission, p.ObjectPk }).HasDatabaseName("ix_rolepermission_lookup");
    }
}
