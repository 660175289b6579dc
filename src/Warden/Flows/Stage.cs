using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Flows;

/// <summary>
/// authentik's <c>authentik_flows.Stage</c>: the common row of every stage. Each stage type is a table of its own
/// that shares this primary key (table per type, as Django's multi-table inheritance), so a stage name is unique
/// across all types and <c>/stages/all/</c> reads one table.
/// </summary>
public abstract class Stage
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";

    public List<FlowStageBinding> Bindings { get; set; } = [];
}

internal sealed class StageConfiguration : IEntityTypeConfiguration<Stage>
{
    public void Configure(EntityTypeBuilder<Stage> b)
    {
        b.ToTable("authentik_flows_stage");
        b.UseTptMappingStrategy();
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasColumnName("stage_uuid");
        b.Property(s => s.Name).HasColumnName("name").IsRequired();
        b.HasIndex(s => s.Name).IsUnique().HasDatabaseName("ix_stage_name");
    }
}

/// <summary>Maps a stage type's own table; its key column is <c>stage_ptr_id</c>, as Django names it.</summary>
public static class StageTable
{
    public static EntityTypeBuilder<T> ToStageTable<T>(this EntityTypeBuilder<T> b, string table) where T : Stage
    {
        b.ToTable(table, t => t.Property(s => s.Id).HasColumnName("stage_ptr_id"));
        return b;
    }
}
