using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Flows;
using Warden.Policies;

namespace Warden.Stages.Prompt;

/// <summary>authentik's <c>authentik_stages_prompt.PromptStage</c>: shows its fields and stores the answers in <c>prompt_data</c>.</summary>
public sealed class PromptStage : Stage
{
    public List<Prompt> Fields { get; set; } = [];
    public List<Policy> ValidationPolicies { get; set; } = [];
}

/// <summary>authentik's <c>authentik_stages_prompt.Prompt</c>: one field, shared by any number of prompt stages.</summary>
public sealed class Prompt
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    public string FieldKey { get; set; } = "";
    public string Label { get; set; } = "";

    /// <summary>PromptTypeEnum value, e.g. <c>text</c>, <c>text_area</c>, <c>alert_danger</c>.</summary>
    public string Type { get; set; } = "text";
    public bool Required { get; set; } = true;
    public string Placeholder { get; set; } = "";
    public string InitialValue { get; set; } = "";
    public int Order { get; set; }
    public string SubText { get; set; } = "";

    /// <summary>
    /// authentik evaluates these as Python; Warden renders them as templates over the flow's context instead (the
    /// prompt stage documents the syntax).
    /// </summary>
    public bool PlaceholderExpression { get; set; }
    public bool InitialValueExpression { get; set; }

    public List<PromptStage> Stages { get; set; } = [];
}

internal sealed class PromptStageConfiguration : IEntityTypeConfiguration<PromptStage>
{
    public void Configure(EntityTypeBuilder<PromptStage> b)
    {
        b.ToStageTable("authentik_stages_prompt_promptstage");
        b.HasMany(x => x.Fields).WithMany(p => p.Stages).UsingEntity(
            "authentik_stages_prompt_promptstage_fields",
            r => r.HasOne(typeof(Prompt)).WithMany().HasForeignKey("prompt_id").OnDelete(DeleteBehavior.Cascade),
            l => l.HasOne(typeof(PromptStage)).WithMany().HasForeignKey("promptstage_id").OnDelete(DeleteBehavior.Cascade));
        b.HasMany(x => x.ValidationPolicies).WithMany().UsingEntity(
            "authentik_stages_prompt_promptstage_validation_policies",
            r => r.HasOne(typeof(Policy)).WithMany().HasForeignKey("policy_id").OnDelete(DeleteBehavior.Cascade),
            l => l.HasOne(typeof(PromptStage)).WithMany().HasForeignKey("promptstage_id").OnDelete(DeleteBehavior.Cascade));
    }
}

internal sealed class PromptConfiguration : IEntityTypeConfiguration<Prompt>
{
    public void Configure(EntityTypeBuilder<Prompt> b)
    {
        b.ToTable("authentik_stages_prompt_prompt");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("prompt_uuid");
        b.Property(x => x.Name).HasColumnName("name").IsRequired();
        b.HasIndex(x => x.Name).IsUnique().HasDatabaseName("ix_prompt_name");
        b.Property(x => x.FieldKey).HasColumnName("field_key").IsRequired();
        b.Property(x => x.Label).HasColumnName("label").IsRequired();
        b.Property(x => x.Type).HasColumnName("type").HasMaxLength(100).IsRequired();
        b.Property(x => x.Required).HasColumnName("required");
        b.Property(x => x.Placeholder).HasColumnName("placeholder").IsRequired();
        b.Property(x => x.InitialValue).HasColumnName("initial_value").IsRequired();
        b.Property(x => x.Order).HasColumnName("order");
        b.Property(x => x.SubText).HasColumnName("sub_text").IsRequired();
        b.Property(x => x.PlaceholderExpression).HasColumnName("placeholder_expression");
        b.Property(x => x.InitialValueExpression).HasColumnName("initial_value_expression");
    }
}
