using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Warden.Blueprints;

/// <summary>A blueprint that cannot be read or applied; the message says which entry and which attribute.</summary>
public sealed class BlueprintException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A value in a blueprint, as written: plain data, or one of authentik's YAML tags (<c>!KeyOf</c>, <c>!Find</c>,
/// <c>!Context</c>, <c>!If</c>, <c>!Condition</c>, <c>!Format</c>), resolved only when its entry is applied, because
/// <c>!KeyOf</c> names objects made by earlier entries.
/// </summary>
public abstract record BlueprintValue
{
    /// <summary>A scalar (string, number, boolean or null), typed as YAML 1.1 core resolves plain scalars.</summary>
    public sealed record Scalar(JsonNode? Value) : BlueprintValue;

    public sealed record Sequence(IReadOnlyList<BlueprintValue> Items) : BlueprintValue;

    /// <summary>A mapping, keys in document order.</summary>
    public sealed record Mapping(IReadOnlyList<KeyValuePair<string, BlueprintValue>> Pairs) : BlueprintValue
    {
        public BlueprintValue? this[string key] => Pairs.FirstOrDefault(p => p.Key == key).Value;
    }

    /// <summary>A tagged value, e.g. <c>!KeyOf flow</c> (Tag <c>KeyOf</c>, Argument the scalar <c>flow</c>).</summary>
    public sealed record Tagged(string Tag, BlueprintValue Argument, Mark Start) : BlueprintValue;
}

/// <summary>One entry: what to make (<see cref="Model"/>), how to find it again (<see cref="Identifiers"/>), and its fields.</summary>
public sealed record BlueprintEntry(
    int Index,
    string Model,
    string State,
    string? Id,
    BlueprintValue.Mapping Identifiers,
    BlueprintValue.Mapping Attrs,
    IReadOnlyList<BlueprintValue> Conditions);

/// <summary>authentik's blueprint file (version 1): metadata, a context of defaults, and entries applied in order.</summary>
public sealed record Blueprint(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    JsonObject Context,
    IReadOnlyList<BlueprintEntry> Entries)
{
    public const string InstantiateLabel = "blueprints.goauthentik.io/instantiate";

    /// <summary>authentik's discovery applies a blueprint on its own unless it is labelled <c>instantiate: "false"</c>.</summary>
    public bool AutoInstantiate => !(Labels.TryGetValue(InstantiateLabel, out var value) && value.Equals("false", StringComparison.OrdinalIgnoreCase));

    private static readonly string[] EntryKeys = ["model", "identifiers", "attrs", "state", "conditions", "id"];
    private static readonly string[] States = ["present", "created", "absent"];
    private static readonly string[] Tags = ["KeyOf", "Find", "Context", "If", "Condition", "Format"];

    /// <summary>Reads a blueprint document; any syntax or structure problem is a <see cref="BlueprintException"/>.</summary>
    public static Blueprint Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new BlueprintException($"Invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }
        if (stream.Documents.Count != 1 || Convert(stream.Documents[0].RootNode) is not BlueprintValue.Mapping root)
        {
            throw new BlueprintException("A blueprint must be one YAML document holding a mapping.");
        }
        var version = root["version"] is BlueprintValue.Scalar { Value: JsonValue v } && v.TryGetValue<long>(out var n) ? n : (long?)null;
        if (version != 1)
        {
            throw new BlueprintException("Unsupported blueprint version: only \"version: 1\" is supported.");
        }

        var name = "";
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["metadata"] is BlueprintValue.Mapping metadata)
        {
            name = metadata["name"] is BlueprintValue.Scalar { Value: { } nameValue } ? Text(nameValue) : "";
            if (metadata["labels"] is BlueprintValue.Mapping labelMap)
            {
                foreach (var (key, value) in labelMap.Pairs)
                {
                    labels[key] = value is BlueprintValue.Scalar { Value: { } labelValue } ? Text(labelValue) : "";
                }
            }
        }
        else if (root["metadata"] is not null)
        {
            throw new BlueprintException("\"metadata\" must be a mapping.");
        }

        var context = new JsonObject();
        if (root["context"] is BlueprintValue.Mapping contextMap)
        {
            foreach (var (key, value) in contextMap.Pairs)
            {
                context[key] = PlainData(value, $"context.{key}");
            }
        }
        else if (root["context"] is not null and not BlueprintValue.Scalar { Value: null })
        {
            throw new BlueprintException("\"context\" must be a mapping.");
        }

        var raw = new List<BlueprintValue>();
        switch (root["entries"])
        {
            case BlueprintValue.Sequence list:
                raw.AddRange(list.Items);
                break;
            case BlueprintValue.Mapping groups:
                // authentik also accepts entries grouped under names; the groups are applied in document order.
                foreach (var (group, value) in groups.Pairs)
                {
                    if (value is not BlueprintValue.Sequence items)
                    {
                        throw new BlueprintException($"entries.{group} must be a list of entries.");
                    }
                    raw.AddRange(items.Items);
                }
                break;
            case null or BlueprintValue.Scalar { Value: null }:
                break;
            default:
                throw new BlueprintException("\"entries\" must be a list (or a mapping of lists) of entries.");
        }

        var entries = new List<BlueprintEntry>();
        for (var i = 0; i < raw.Count; i++)
        {
            entries.Add(ParseEntry(i, raw[i]));
        }
        return new Blueprint(name, labels, context, entries);
    }

    private static BlueprintEntry ParseEntry(int index, BlueprintValue value)
    {
        var where = $"Entry {index + 1}";
        if (value is not BlueprintValue.Mapping entry)
        {
            throw new BlueprintException($"{where}: an entry must be a mapping.");
        }
        if (entry["model"] is not BlueprintValue.Scalar { Value: JsonValue modelValue } || Text(modelValue) is not { Length: > 0 } model)
        {
            throw new BlueprintException($"{where}: \"model\" is required.");
        }
        where = $"Entry {index + 1} ({model})";
        foreach (var (key, _) in entry.Pairs)
        {
            if (!EntryKeys.Contains(key))
            {
                throw new BlueprintException($"{where}: unknown key \"{key}\" (expected one of {string.Join(", ", EntryKeys)}).");
            }
        }
        var state = entry["state"] switch
        {
            null => "present",
            BlueprintValue.Scalar { Value: JsonValue s } when States.Contains(Text(s)) => Text(s),
            _ => throw new BlueprintException($"{where}: \"state\" must be one of present, created, absent."),
        };
        string? id = entry["id"] switch
        {
            null => null,
            BlueprintValue.Scalar { Value: JsonValue s } => Text(s),
            _ => throw new BlueprintException($"{where}: \"id\" must be a string."),
        };
        var identifiers = entry["identifiers"] switch
        {
            BlueprintValue.Mapping m when m.Pairs.Count > 0 => m,
            _ => throw new BlueprintException($"{where}: \"identifiers\" must be a non-empty mapping."),
        };
        var attrs = entry["attrs"] switch
        {
            null or BlueprintValue.Scalar { Value: null } => new BlueprintValue.Mapping([]),
            BlueprintValue.Mapping m => m,
            _ => throw new BlueprintException($"{where}: \"attrs\" must be a mapping."),
        };
        var conditions = entry["conditions"] switch
        {
            null or BlueprintValue.Scalar { Value: null } => [],
            BlueprintValue.Sequence s => s.Items,
            _ => throw new BlueprintException($"{where}: \"conditions\" must be a list."),
        };
        return new BlueprintEntry(index, model, state, id, identifiers, attrs, conditions);
    }

    /// <summary>Context defaults are plain data: no tag can be resolved before any entry exists.</summary>
    private static JsonNode? PlainData(BlueprintValue value, string where) => value switch
    {
        BlueprintValue.Scalar s => s.Value?.DeepClone(),
        BlueprintValue.Sequence s => new JsonArray([.. s.Items.Select((item, i) => PlainData(item, $"{where}[{i}]"))]),
        BlueprintValue.Mapping m => new JsonObject(m.Pairs.Select(p => KeyValuePair.Create(p.Key, PlainData(p.Value, $"{where}.{p.Key}")))),
        BlueprintValue.Tagged t => throw new BlueprintException($"{where}: tag !{t.Tag} is not allowed in the blueprint's context."),
        _ => null,
    };

    private static string Text(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();

    private static BlueprintValue Convert(YamlNode node)
    {
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        BlueprintValue value = node switch
        {
            YamlScalarNode scalar => new BlueprintValue.Scalar(ResolveScalar(scalar, tag)),
            YamlSequenceNode sequence => new BlueprintValue.Sequence([.. sequence.Children.Select(Convert)]),
            YamlMappingNode mapping => new BlueprintValue.Mapping([.. mapping.Children.Select(p => KeyValuePair.Create(
                p.Key is YamlScalarNode key ? key.Value ?? "" : throw new BlueprintException($"Line {p.Key.Start.Line}: mapping keys must be strings."),
                Convert(p.Value)))]),
            _ => throw new BlueprintException($"Line {node.Start.Line}: aliases are not supported."),
        };
        if (tag is null || tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
        {
            return value;
        }
        var name = tag.TrimStart('!');
        if (!Tags.Contains(name))
        {
            throw new BlueprintException($"Line {node.Start.Line}: unknown tag {tag} (supported: {string.Join(", ", Tags.Select(t => "!" + t))}).");
        }
        if (value is BlueprintValue.Scalar { Value: JsonValue raw } && node is YamlScalarNode plainScalar)
        {
            // The argument of a tagged scalar is its text.
            value = new BlueprintValue.Scalar(JsonValue.Create(plainScalar.Value ?? raw.ToJsonString()));
        }
        return new BlueprintValue.Tagged(name, value, node.Start);
    }

    /// <summary>YAML's core schema for plain scalars: null, booleans, integers, floats; everything quoted is a string.</summary>
    private static JsonNode? ResolveScalar(YamlScalarNode scalar, string? tag)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded
            || tag is "tag:yaml.org,2002:str" || (tag is not null && !tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal)))
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            && text.Any(char.IsDigit))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }
}
