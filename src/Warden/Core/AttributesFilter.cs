using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Api;

namespace Warden.Core;

/// <summary>
/// authentik's <c>attributes</c> list filter of users and groups: a JSON object whose every key must equal the
/// object's attribute of that name (<c>__</c> walks into nested objects), e.g. <c>?attributes={"team": "red"}</c>.
/// </summary>
public static class AttributesFilter
{
    public static readonly QueryParameter Parameter = new("attributes", QueryType.String, "Attributes");

    /// <summary>Stands for "no such key": never equal to any value a filter can carry.</summary>
    private static readonly JsonNode Missing = new JsonObject { ["\u0000missing"] = true };

    /// <summary>The wanted attributes (null when the parameter is absent or empty), or authentik's 400 for a bad value.</summary>
    public static (JsonObject? Wanted, IResult? Error) Parse(HttpRequest request)
    {
        var raw = request.Query["attributes"].ToString();
        if (raw.Length == 0)
        {
            return (null, null);
        }
        JsonNode? filter;
        try
        {
            filter = JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return (null, ApiErrors.List("filter: failed to parse JSON"));
        }
        return filter is JsonObject wanted ? (wanted, null) : (null, ApiErrors.List("filter: value must be key:value mapping"));
    }

    /// <summary>
    /// Whether <paramref name="attributes"/> has every wanted value. The comparison is done in memory rather than in
    /// SQL so that SQLite and PostgreSQL agree exactly.
    /// </summary>
    public static bool Matches(JsonObject attributes, JsonObject wanted) =>
        wanted.All(w => JsonNode.DeepEquals(Lookup(attributes, w.Key), w.Value));

    private static JsonNode? Lookup(JsonObject attributes, string path)
    {
        JsonNode? node = attributes;
        foreach (var part in path.Split("__"))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(part, out node))
            {
                return Missing;
            }
        }
        return node;
    }
}
