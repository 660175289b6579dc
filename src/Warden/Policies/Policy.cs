using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Policies;

/// <summary>
/// authentik's <c>authentik_policies.Policy</c>: the common row of every policy type (table per type, as the stages).
/// A policy answers whether a request passes; bindings attach it to a flow or a stage binding.
/// </summary>
public abstract class Policy
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    public bool ExecutionLogging { get; set; }
}

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> b)
    {
        b.ToTable("authentik_policies_policy");
        b.UseTptMappingStrategy();
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasColumnName("policy_uuid");
        b.Property(p => p.Name).HasColumnName("name").IsRequired();
        b.HasIndex(p => p.Name).IsUnique().HasDatabaseName("ix_policy_name");
        b.Property(p => p.ExecutionLogging).HasColumnName("execution_logging");
    }
}

/// <summary>Maps a policy type's own table; its key column is <c>policy_ptr_id</c>, as Django names it.</summary>
public static class PolicyTable
{
    public static EntityTypeBuilder<T> ToPolicyTable<T>(this EntityTypeBuilder<T> b, string table) where T : Policy
    {
        b.ToTable(table, t => t.Property(p => p.Id).HasColumnName("policy_ptr_id"));
        return b;
    }
}
