using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Warden.Api.OpenApi;

/// <summary>Writes a JSON document as YAML that reads back to the same JSON values.</summary>
public static class OpenApiYaml
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(JsonNode document)
    {
        var stream = new YamlStream(new YamlDocument(ToYaml(document)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends every document with a "..." marker; a single-document file does not need it.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject obj => new YamlMappingNode(obj.Select(p => new KeyValuePair<YamlNode, YamlNode>(Text(p.Key), ToYaml(p.Value)))),
        JsonArray array => new YamlSequenceNode(array.Select(ToYaml)),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => Text(value.GetValue<string>()),
            JsonValueKind.True => new YamlScalarNode("true"),
            JsonValueKind.False => new YamlScalarNode("false"),
            _ => new YamlScalarNode(value.ToJsonString()),
        },
        _ => new YamlScalarNode("null"),
    };

    /// <summary>A string scalar, quoted when a plain scalar would read back as a number, a boolean or null.</summary>
    private static YamlScalarNode Text(string value)
    {
        var ambiguous = value.Length == 0 || Reserved.Contains(value) || "0123456789+-.".Contains(value[0], StringComparison.Ordinal);
        return new YamlScalarNode(value) { Style = ambiguous ? ScalarStyle.SingleQuoted : ScalarStyle.Any };
    }
}
