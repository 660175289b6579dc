using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>authentik's <c>authentik_core.Group</c>: members, parents, and the superuser flag.</summary>
public sealed class Group
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>authentik's <c>num_pk</c>: the first five decimal digits of the uuid's 128-bit value.</summary>
    public int NumPk { get; set; }
    public string Name { get; set; } = "";
    public bool IsSuperuser { get; set; }
    public JsonObject Attributes { get; set; } = [];

    public List<User> Users { get; set; } = [];
    public List<Group> Parents { get; set; } = [];
    public List<Group> Children { get; set; } = [];
    public List<Rbac.Role> Roles { get; set; } = [];
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> b)
    {
        b.ToTable("authentik_core_group");
        b.HasKey(g => g.Id);
        b.Property(g => g.Id).HasColumnName("group_uuid");
        b.Property(g => g.NumPk).HasColumnName("num_pk");
        b.Property(g => g.Name).HasColumnName("name").IsRequired();
        b.HasIndex(g => g.Name).IsUnique().HasDatabaseName("ix_group_name");
        b.Property(g => g.IsSuperuser).HasColumnName("is_superuser");
        b.Property(g => g.Attributes).HasColumnName("attributes").IsJsonObject();
        b.HasMany(g => g.Parents).WithMany(g => g.Children).UsingEntity(
            "authentik_core_group_parents",
            r => r.HasOne(typeof(Group)).WithMany().HasForeignKey("parent_id").OnDelete(DeleteBehavior.Cascade),
            l => l.HasOne(typeof(Group)).WithMany().HasForeignKey("child_id").OnDelete(DeleteBehavior.Cascade));
        b.HasMany(g => g.Roles).WithMany(r => r.Groups).UsingEntity(
            "authentik_rbac_role_groups",
            r => r.HasOne(typeof(Rbac.Role)).WithMany().HasForeignKey("role_id").OnDelete(DeleteBehavior.Cascade),
            l => l.HasOne(typeof(Group)).WithMany().HasForeignKey("group_id").OnDelete(DeleteBehavior.Cascade));
    }
}
