using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Events;

/// <summary>authentik's <c>authentik_events.Event</c>: the audit trail, kept as data.</summary>
public sealed class Event
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Action { get; set; } = "";
    public string App { get; set; } = "";

    /// <summary><c>{pk, username, email}</c>, with <c>authenticated_as</c> when acting on a pending user.</summary>
    public JsonObject User { get; set; } = [];
    public JsonObject Context { get; set; } = [];
    public string? ClientIp { get; set; }
    public DateTime Created { get; set; }
    public DateTime Expires { get; set; }
    public JsonObject? Brand { get; set; }
}

internal sealed class EventConfiguration : IEntityTypeConfiguration<Event>
{
    public void Configure(EntityTypeBuilder<Event> b)
    {
        b.ToTable("authentik_events_event");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasColumnName("event_uuid");
        b.Property(e => e.Action).HasColumnName("action").HasMaxLength(64).IsRequired();
        b.HasIndex(e => e.Action).HasDatabaseName("ix_event_action");
        b.Property(e => e.App).HasColumnName("app").IsRequired();
        b.Property(e => e.User).HasColumnName("user").IsJsonObject();
        b.Property(e => e.Context).HasColumnName("context").IsJsonObject();
        b.Property(e => e.ClientIp).HasColumnName("client_ip").HasMaxLength(64);
        b.Property(e => e.Created).HasColumnName("created");
        b.HasIndex(e => e.Created).HasDatabaseName("ix_event_created");
        b.Property(e => e.Expires).HasColumnName("expires");
        b.Property(e => e.Brand).HasColumnName("brand").HasConversion(
            v => v == null ? null : v.ToJsonString((System.Text.Json.JsonSerializerOptions?)null),
            v => v == null ? null : JsonNode.Parse(v, null, default) as JsonObject,
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<JsonObject?>(
                (a, c) => JsonNode.DeepEquals(a, c),
                v => v == null ? 0 : v.ToJsonString((System.Text.Json.JsonSerializerOptions?)null).GetHashCode(StringComparison.Ordinal),
                v => v == null ? null : (JsonObject)v.DeepClone()));
    }
}
