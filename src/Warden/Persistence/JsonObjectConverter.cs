using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Warden.Persistence;

/// <summary>Stores a <see cref="JsonObject"/> (authentik's JSONField) as JSON text on both providers.</summary>
public static class JsonColumn
{
    private static readonly ValueConverter<JsonObject, string> Converter = new(
        v => v.ToJsonString((JsonSerializerOptions?)null),
        v => Parse(v));

    private static readonly ValueComparer<JsonObject> Comparer = new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.ToJsonString((JsonSerializerOptions?)null) == b.ToJsonString((JsonSerializerOptions?)null)),
        v => v.ToJsonString((JsonSerializerOptions?)null).GetHashCode(StringComparison.Ordinal),
        v => Parse(v.ToJsonString((JsonSerializerOptions?)null)));

    public static PropertyBuilder<JsonObject> IsJsonObject(this PropertyBuilder<JsonObject> property) =>
        property.HasConversion(Converter, Comparer).IsRequired();

    private static readonly ValueConverter<List<string>, string> ListConverter = new(
        v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
        v => ParseList(v));

    private static readonly ValueComparer<List<string>> ListComparer = new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
        v => v.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode(StringComparison.Ordinal))),
        v => v.ToList());

    /// <summary>A list of strings (Django's ArrayField of text, e.g. <c>user_fields</c>) stored as a JSON array.</summary>
    public static PropertyBuilder<List<string>> IsJsonStringList(this PropertyBuilder<List<string>> property) =>
        property.HasConversion(ListConverter, ListComparer).IsRequired();

    private static List<string> ParseList(string text) =>
        string.IsNullOrEmpty(text) ? [] : JsonSerializer.Deserialize<List<string>>(text) ?? [];

    private static JsonObject Parse(string text) =>
        string.IsNullOrEmpty(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
}
