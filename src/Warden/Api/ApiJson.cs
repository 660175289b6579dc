using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Api;

/// <summary>authentik's JSON conventions: snake_case names, enums as snake_case strings.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = false;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.NumberHandling = JsonNumberHandling.Strict;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        }
        if (!options.Converters.OfType<DrfDateTimeConverter>().Any())
        {
            options.Converters.Add(new DrfDateTimeConverter());
        }
        return options;
    }

    /// <summary>The snake_case name authentik uses for a C# member name.</summary>
    public static string Name(string memberName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName);
}

/// <summary>
/// Datetimes as Django REST framework writes them: ISO 8601 in UTC with a <c>Z</c>, microseconds only when
/// not zero (<c>2026-11-25T12:00:00Z</c>, <c>2026-11-25T12:00:00.123456Z</c>). .NET's own format would add a
/// seventh fractional digit that authentik never sends.
/// </summary>
public sealed class DrfDateTimeConverter : JsonConverter<DateTime>
{
    public static string Format(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        utc = new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
        return utc.ToString(utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'",
            System.Globalization.CultureInfo.InvariantCulture);
    }

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("Expected a datetime string.");
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            throw new JsonException("Invalid datetime.");
        }
        return parsed.UtcDateTime;
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}
