using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Api;

namespace Warden.Tests.Faults;

/// <summary>A request body as raw bytes, the Content-Type sent with it (null: none), and what it is, for the report.</summary>
public sealed record HostileBody(byte[] Bytes, string? ContentType, string Kind)
{
    public string Preview
    {
        get
        {
            var text = Encoding.UTF8.GetString(Bytes, 0, Math.Min(Bytes.Length, 160));
            return $"{Kind} ({Bytes.Length} bytes, {ContentType ?? "no content type"}): {text.ReplaceLineEndings(" ")}";
        }
    }
}

/// <summary>
/// Generators of hostile request bodies and query strings, driven by one seeded <see cref="Random"/> so a run is
/// reproduced from its seed. Bodies mix values of the right shape for the endpoint's request record (so validation
/// and the handler are reached) with wrong types, deep nesting, huge strings and numbers, characters databases
/// refuse, invalid UTF-8, other encodings and other content types.
/// </summary>
public sealed class HostileInput(int seed, IReadOnlyList<string> knownValues)
{
    private readonly Random _random = new(seed);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private bool Chance(int percent) => _random.Next(100) < percent;

    private static readonly string[] OddStrings =
    [
        "", " ", "\t\n", "\u0000", "a\u0000b", "\ud800", "x\udfffy", "\ufeff", "\u202e", "😀", "ǅ", "İ", "ß", "\u0301",
        "null", "true", "0", "-1", "1e999", "NaN", "../../etc/passwd", "%00", "%", "'; DROP TABLE x; --", "\"", "\\",
        "<script>", "{}", "[]", "a,b", "-", "--", "__", "a__b", "*", "\r\n\r\n", "akadmin", "AnonymousUser",
        "00000000-0000-0000-0000-000000000000", "not-a-uuid", "2026-13-45T99:99:99Z", "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59.9999999Z", "1970-01-01", "pbkdf2_sha256$1$x$y", "pbkdf2_sha256$999999999999$salt$hash",
        "argon2$x", "!", "authentik_core.view_user", "authentik_core.nothing", "authentik_core.user", "a.b.c", ".",
    ];

    private static readonly string[] OddNumbers =
    [
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1.5", "1e3", "1E+2", "1e308", "1e309", "-1e309", "1e-400", "0.0000000000000000000001",
        "123456789012345678901234567890123456789012345678901234567890", "4.9e-324",
    ];

    /// <summary>A JSON value of any kind, at most <paramref name="depth"/> levels deep.</summary>
    public JsonNode? Value(int depth = 3)
    {
        switch (_random.Next(depth > 0 ? 9 : 6))
        {
            case 0: return null;
            case 1: return JsonValue.Create(Chance(50));
            case 2: return JsonNode.Parse(Pick(OddNumbers));
            case 3: return JsonValue.Create(Text());
            case 4: return JsonValue.Create(Pick(knownValues));
            case 5: return JsonValue.Create(_random.Next(-5, 100000));
            case 6:
            {
                var array = new JsonArray();
                for (var i = _random.Next(4); i > 0; i--)
                {
                    array.Add(Value(depth - 1));
                }
                return array;
            }
            default:
            {
                var obj = new JsonObject();
                for (var i = _random.Next(4); i > 0; i--)
                {
                    obj[Text(12)] = Value(depth - 1);
                }
                return obj;
            }
        }
    }

    /// <summary>A string: odd, random Unicode, or (rarely) huge.</summary>
    public string Text(int maxLength = 64)
    {
        return _random.Next(6) switch
        {
            0 or 1 => Pick(OddStrings),
            2 => new string('a', Chance(20) ? _random.Next(100_000, 400_000) : _random.Next(100, 5000)),
            3 => RandomUnicode(_random.Next(1, maxLength)),
            4 => Pick(knownValues),
            _ => "v" + _random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
        };
    }

    private string RandomUnicode(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            // Any UTF-16 code unit, lone surrogates included: JSON can carry them as \uXXXX escapes.
            builder.Append((char)_random.Next(0, 0x10000));
        }
        return builder.ToString();
    }

    /// <summary>A value aimed at one field: often its own kind (so checks beyond the type run), often not.</summary>
    private JsonNode? ValueFor(RequestField field)
    {
        if (Chance(40))
        {
            return Value();
        }
        return field.Kind switch
        {
            FieldKind.String when field.Attribute?.Choices is { Length: > 0 } choices && Chance(50) => JsonValue.Create(Pick(choices)),
            FieldKind.String => JsonValue.Create(Text()),
            FieldKind.Bool => JsonValue.Create(Chance(50)),
            FieldKind.Int or FieldKind.Number => Chance(50) ? JsonNode.Parse(Pick(OddNumbers)) : JsonValue.Create(Pick(knownValues)),
            FieldKind.Uuid => JsonValue.Create(Chance(50) ? Pick(knownValues) : Guid.NewGuid().ToString()),
            FieldKind.DateTime => JsonValue.Create(Chance(50) ? Pick(OddStrings) : "2026-11-25T12:00:00Z"),
            FieldKind.Object => Chance(30) ? Deep(_random.Next(10, 80)) : Value() as JsonObject ?? [],
            FieldKind.List => new JsonArray(Enumerable.Range(0, _random.Next(4)).Select(_ => field.ElementType is { } t
                && RequestFields.KindOf(t) is FieldKind.Uuid or FieldKind.Int or FieldKind.String && Chance(60)
                ? JsonValue.Create(Pick(knownValues)) : Value(1)).ToArray()),
            _ => Value(),
        };
    }

    private static JsonObject Deep(int depth)
    {
        var node = new JsonObject();
        var current = node;
        for (var i = 0; i < depth; i++)
        {
            var next = new JsonObject();
            current["a"] = next;
            current = next;
        }
        return node;
    }

    /// <summary>A hostile body for an endpoint whose request record is <paramref name="request"/> (null when it has none).</summary>
    public HostileBody Body(Type? request)
    {
        // An abstract request (the executor's union of challenge answers) has no fields of its own to fill.
        var fields = request is null || request.IsAbstract ? [] : RequestFields.For(request);
        switch (_random.Next(20))
        {
            case < 9:
            {
                // The endpoint's own fields with hostile values, sometimes with unknown extra keys.
                var obj = new JsonObject();
                foreach (var field in fields.Where(_ => Chance(60)))
                {
                    obj[field.Name] = ValueFor(field);
                }
                if (Chance(20))
                {
                    obj[Text(16)] = Value();
                }
                return Json(obj.ToJsonString(), "fields");
            }
            case 9: return Json(Value()?.ToJsonString() ?? "null", "top-level value");
            case 10:
            {
                var depth = _random.Next(60, 5000);
                return Json(new string('[', depth) + new string(']', depth), $"nested {depth} deep");
            }
            case 11:
            {
                var name = fields.Count > 0 ? Pick(fields).Name : "name";
                var huge = Chance(50) ? new string('9', _random.Next(1000, 100_000)) : "\"" + new string('x', _random.Next(100_000, 1_000_000)) + "\"";
                return Json($"{{\"{name}\": {huge}}}", "huge value");
            }
            case 12:
            {
                // Invalid UTF-8 inside a string value.
                var name = fields.Count > 0 ? Pick(fields).Name : "name";
                byte[][] bad = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];
                var bytes = Encoding.UTF8.GetBytes($"{{\"{name}\": \"a").Concat(Pick(bad)).Concat(Encoding.UTF8.GetBytes("b\"}")).ToArray();
                return new HostileBody(bytes, "application/json", "invalid UTF-8");
            }
            case 13:
            {
                // Other encodings of a plausible body.
                var name = fields.Count > 0 ? Pick(fields).Name : "name";
                var text = $"{{\"{name}\": \"välue\"}}";
                return _random.Next(4) switch
                {
                    0 => new HostileBody(Encoding.Unicode.GetBytes(text), "application/json; charset=utf-16", "UTF-16LE"),
                    1 => new HostileBody(Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes(text)).ToArray(), "application/json", "UTF-16BE with BOM"),
                    2 => new HostileBody(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray(), "application/json; charset=utf-8", "UTF-8 with BOM"),
                    _ => new HostileBody(Encoding.Latin1.GetBytes(text), "application/json; charset=latin1", "Latin-1"),
                };
            }
            case 14:
            {
                string[] types = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "a/b/c", "",
                    "application/json; charset", "application/merge-patch+json", "application/vnd.api+json", "*/*", "application/json, text/plain"];
                var name = fields.Count > 0 ? Pick(fields).Name : "name";
                var type = Pick(types);
                return new HostileBody(Encoding.UTF8.GetBytes(type.StartsWith("application/x-www", StringComparison.Ordinal) ? $"{name}=x" : $"{{\"{name}\": \"x\"}}"),
                    type.Length == 0 ? null : type, "content type");
            }
            case 15:
            {
                string[] broken = ["{", "{\"a\":", "{\"a\": 1,}", "{'a': 1}", "{\"a\": NaN}", "{\"a\": Infinity}", "{} {}", "{}garbage", "// x\n{}",
                    "{\"a\": 1, \"a\": 2}", "\"\\ud800\"", "{\"a\": \"\\u0000\"}", "{\"a\": 01}", "{\"a\": .5}", "{\"a\": +1}", "[", "]", "nul", "\u0000"];
                return Json(Pick(broken), "malformed JSON");
            }
            case 16:
            {
                // Duplicate keys: the last one wins in DRF, and nothing may fail on it.
                var name = fields.Count > 0 ? Pick(fields).Name : "name";
                return Json($"{{\"{name}\": {Value(1)?.ToJsonString() ?? "null"}, \"{name}\": {Value(1)?.ToJsonString() ?? "null"}}}", "duplicate key");
            }
            case 17:
                return new HostileBody(new byte[ApiBody.MaxBytes + 1 + _random.Next(1000)], "application/json", "over the size limit");
            case 18:
                return new HostileBody([], Chance(50) ? "application/json" : null, "empty");
            default:
            {
                // Every field, each with a value of its own kind where possible: the likeliest to pass validation.
                var obj = new JsonObject();
                foreach (var field in fields)
                {
                    obj[field.Name] = ValueFor(field);
                }
                return Json(obj.ToJsonString(), "all fields");
            }
        }
    }

    private static HostileBody Json(string text, string kind) => new(Encoding.UTF8.GetBytes(text), "application/json", kind);

    /// <summary>A query string (without <c>?</c>) over the endpoint's documented parameters and a few others.</summary>
    public string Query(IReadOnlyList<QueryParameter> parameters)
    {
        string[] common = ["ordering", "page", "page_size", "search", "format", "include_groups", "include_roles", "cached", "attributes", Text(8)];
        var names = parameters.Select(p => p.Name).Concat(common).ToList();
        var parts = new List<string>();
        for (var i = _random.Next(1, 6); i > 0; i--)
        {
            var name = Pick(names);
            string value = _random.Next(8) switch
            {
                6 => Uri.EscapeDataString(Pick(["{\"a\": 1, \"a\": 2}", "{\"a\": {\"b\": null}}", "[1]", "{", "\"\\ud800\"", "{\"a\": 1e999}",
                    new string('[', 200) + new string(']', 200), Value()?.ToJsonString() ?? "null"])),
                0 => Pick(OddNumbers),
                1 => Uri.EscapeDataString(Text()),
                2 => Pick(["last", "0", "-1", "", "true", "abc", "-name,username", "--", "pk", "-pk", ",,,", "9999999999"]),
                3 => Pick(["%00", "%ED%A0%80", "%FF", "%C3%28", "%", "%zz", "%2", "+", "&", "="]),
                4 => Uri.EscapeDataString(Pick(knownValues)),
                5 => Uri.EscapeDataString(Guid.NewGuid().ToString()),
                _ => Uri.EscapeDataString(new string('x', _random.Next(1000, 8000))),
            };
            parts.Add($"{Uri.EscapeDataString(name)}={value}");
        }
        return string.Join("&", parts);
    }
}
