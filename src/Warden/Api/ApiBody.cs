using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Warden.Api;

/// <summary>How a body is validated: all required fields (create, update) or any subset (partial update).</summary>
public enum BodyMode
{
    Full,
    Partial,
}

/// <summary>A request body read and validated as Django REST framework would, or the error response to send.</summary>
public sealed class Body<T>
{
    public T Value { get; init; } = default!;

    /// <summary>The snake_case names of the fields the caller sent; an update applies only these.</summary>
    public IReadOnlySet<string> Present { get; init; } = new HashSet<string>();

    /// <summary>The 4xx to return when the body could not be used; null when <see cref="Value"/> is valid.</summary>
    public IResult? Error { get; init; }

    public bool Has(string field) => Present.Contains(field);
}

/// <summary>
/// Reads JSON request bodies into request records with DRF's checks and messages: content type (415),
/// size (413), syntax (400 <c>JSON parse error</c>), a top-level object, then every field's presence,
/// null, type, length and choices, all errors at once.
/// </summary>
public static class ApiBody
{
    /// <summary>Largest accepted request body (1 MiB).</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, BodyMode mode = BodyMode.Full, CancellationToken cancellationToken = default)
    {
        var raw = await ReadObjectAsync(request, cancellationToken);
        if (raw.Error is not null)
        {
            return new Body<T> { Error = raw.Error };
        }
        return Bind<T>(raw.Value!, mode);
    }

    /// <summary>Reads the body as a JSON object without binding; an empty body is an empty object, as in DRF.</summary>
    public static async Task<(JsonObject? Value, IResult? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var node = await ReadNodeAsync(request, cancellationToken);
        if (node.Error is not null)
        {
            return (null, node.Error);
        }
        if (node.Value is JsonObject obj)
        {
            return (obj, null);
        }
        return (null, ApiErrors.NonField($"Invalid data. Expected a dictionary, but got {PythonType(node.Value)}."));
    }

    public static async Task<(JsonNode? Value, IResult? Error)> ReadNodeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (null, TooLarge());
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            return (new JsonObject(), null);
        }
        var contentType = request.ContentType;
        if (contentType is null || !IsJson(contentType))
        {
            return (null, ApiErrors.Detail(StatusCodes.Status415UnsupportedMediaType,
                $"Unsupported media type \"{contentType ?? ""}\" in request."));
        }
        var bytes = buffer.ToArray();
        try
        {
            _ = StrictUtf8.GetCharCount(bytes);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiErrors.Detail(StatusCodes.Status400BadRequest, "JSON parse error - the body is not valid UTF-8"));
        }
        try
        {
            var node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            return (node, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {FirstLine(ex.Message)}"));
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 surfaces here.
            return (null, ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {FirstLine(ex.Message)}"));
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static IResult TooLarge() =>
        ApiErrors.Detail(StatusCodes.Status413RequestEntityTooLarge, $"Request body exceeds the limit of {MaxBytes} bytes.");

    private static string FirstLine(string message)
    {
        var i = message.IndexOf('\n', StringComparison.Ordinal);
        var text = i < 0 ? message : message[..i];
        return text.Length > 200 ? text[..200] : text;
    }

    /// <summary>The name Python gives a JSON value's type, as DRF's messages use it.</summary>
    public static string PythonType(JsonNode? node) => node switch
    {
        null => "NoneType",
        JsonObject => "dict",
        JsonArray => "list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "str",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => v.ToJsonString().Contains('.', StringComparison.Ordinal)
                || v.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase) ? "float" : "int",
            _ => "NoneType",
        },
        _ => "object",
    };

    public static Body<T> Bind<T>(JsonObject input, BodyMode mode)
    {
        var fields = RequestFields.For(typeof(T));
        var errors = new ValidationErrors();
        var normalized = new JsonObject();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (!input.TryGetPropertyValue(field.Name, out var value))
            {
                if (field.Required && mode == BodyMode.Full)
                {
                    errors.Add(field.Name, "This field is required.");
                }
                continue;
            }
            present.Add(field.Name);
            if (value is null)
            {
                if (!field.Nullable)
                {
                    errors.Add(field.Name, "This field may not be null.");
                }
                else
                {
                    normalized[field.Name] = null;
                }
                continue;
            }
            var converted = Convert(field, field.Kind, field.ElementType, value, errors);
            if (converted.Ok)
            {
                normalized[field.Name] = converted.Node;
            }
        }
        if (!errors.IsValid)
        {
            return new Body<T> { Error = errors.ToResult(), Present = present };
        }
        var result = normalized.Deserialize<T>(ApiJson.Options)!;
        return new Body<T> { Value = result, Present = present };
    }

    private readonly record struct Converted(bool Ok, JsonNode? Node);

    private static Converted Convert(RequestField field, FieldKind kind, Type? elementType, JsonNode value, ValidationErrors errors)
    {
        var a = field.Attribute;
        switch (kind)
        {
            case FieldKind.String:
            {
                if (value is not JsonValue sv || sv.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    errors.Add(field.Name, "Not a valid string.");
                    return default;
                }
                var s = sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : sv.ToJsonString();
                if (a?.AllChoices is { } choices)
                {
                    if (!choices.Contains(s, StringComparer.Ordinal))
                    {
                        errors.Add(field.Name, $"\"{s}\" is not a valid choice.");
                        return default;
                    }
                    return new Converted(true, JsonValue.Create(s));
                }
                var trimmed = s.Trim();
                if (trimmed.Length == 0 && !(a?.AllowBlank ?? false))
                {
                    errors.Add(field.Name, "This field may not be blank.");
                    return default;
                }
                if (a is { MaxLength: > 0 } && trimmed.Length > a.MaxLength)
                {
                    errors.Add(field.Name, $"Ensure this field has no more than {a.MaxLength} characters.");
                    return default;
                }
                if (a is { MinLength: > 0 } && trimmed.Length < a.MinLength)
                {
                    errors.Add(field.Name, $"Ensure this field has at least {a.MinLength} characters.");
                    return default;
                }
                if (a?.Pattern is { } pattern && trimmed.Length > 0 && !Regex.IsMatch(trimmed, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    errors.Add(field.Name, a.PatternMessage ?? "This value does not match the required pattern.");
                    return default;
                }
                if (a is { Email: true } && trimmed.Length > 0 && !LooksLikeEmail(trimmed))
                {
                    errors.Add(field.Name, "Enter a valid email address.");
                    return default;
                }
                // DRF's CharField trims whitespace by default.
                return new Converted(true, JsonValue.Create(trimmed));
            }
            case FieldKind.Bool:
            {
                if (value is JsonValue bv)
                {
                    switch (bv.GetValueKind())
                    {
                        case JsonValueKind.True: return new Converted(true, JsonValue.Create(true));
                        case JsonValueKind.False: return new Converted(true, JsonValue.Create(false));
                        case JsonValueKind.String:
                            var text = bv.GetValue<string>();
                            if (text is "true" or "True" or "TRUE" or "1" or "yes" or "on" or "y" or "t" or "Y" or "Yes" or "YES" or "T" or "On" or "ON")
                            {
                                return new Converted(true, JsonValue.Create(true));
                            }
                            if (text is "false" or "False" or "FALSE" or "0" or "no" or "off" or "n" or "f" or "N" or "No" or "NO" or "F" or "Off" or "OFF")
                            {
                                return new Converted(true, JsonValue.Create(false));
                            }
                            break;
                        case JsonValueKind.Number:
                            var raw = bv.ToJsonString();
                            if (raw is "1" or "1.0") return new Converted(true, JsonValue.Create(true));
                            if (raw is "0" or "0.0") return new Converted(true, JsonValue.Create(false));
                            break;
                    }
                }
                errors.Add(field.Name, "Must be a valid boolean.");
                return default;
            }
            case FieldKind.Int:
            {
                long? number = null;
                if (value is JsonValue iv)
                {
                    var k = iv.GetValueKind();
                    if (k == JsonValueKind.Number && long.TryParse(iv.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                    {
                        number = n;
                    }
                    else if (k == JsonValueKind.Number && double.TryParse(iv.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                        && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
                    {
                        number = (long)d;
                    }
                    else if (k == JsonValueKind.String && !(a?.PrimaryKey ?? false)
                        && long.TryParse(iv.GetValue<string>().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var sn))
                    {
                        number = sn;
                    }
                    else if (k == JsonValueKind.String && (a?.PrimaryKey ?? false)
                        && long.TryParse(iv.GetValue<string>().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pk))
                    {
                        number = pk;
                    }
                }
                if (number is null || number > int.MaxValue || number < int.MinValue)
                {
                    if (a?.PrimaryKey ?? false)
                    {
                        // DRF's PrimaryKeyRelatedField: a number that matches nothing "does not exist"; anything the
                        // database cannot compare with an integer key is an "incorrect type".
                        if (number is not null)
                        {
                            errors.InvalidPk(field.Name, number.Value);
                        }
                        else
                        {
                            errors.Add(field.Name, $"Incorrect type. Expected pk value, received {PythonType(value)}.");
                        }
                    }
                    else
                    {
                        errors.Add(field.Name, number is null ? "A valid integer is required." : "Ensure this value is less than or equal to 2147483647.");
                    }
                    return default;
                }
                return new Converted(true, JsonValue.Create((int)number.Value));
            }
            case FieldKind.Uuid:
            {
                if (value is JsonValue gv && gv.GetValueKind() == JsonValueKind.String && Guid.TryParse(gv.GetValue<string>(), out var g))
                {
                    return new Converted(true, JsonValue.Create(g));
                }
                if (a?.PrimaryKey ?? false)
                {
                    // Django's UUIDField refuses the value before any lookup, with its own message.
                    if (value is JsonValue pv && pv.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
                    {
                        var text = pv.GetValueKind() == JsonValueKind.String ? pv.GetValue<string>() : pv.ToJsonString();
                        errors.Add(field.Name, $"\u201c{text}\u201d is not a valid UUID.");
                    }
                    else
                    {
                        errors.Add(field.Name, $"Incorrect type. Expected pk value, received {PythonType(value)}.");
                    }
                }
                else
                {
                    errors.Add(field.Name, "Must be a valid UUID.");
                }
                return default;
            }
            case FieldKind.DateTime:
            {
                if (value is JsonValue dv && dv.GetValueKind() == JsonValueKind.String
                    && DateTimeOffset.TryParse(dv.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
                {
                    return new Converted(true, JsonValue.Create(dt.UtcDateTime));
                }
                errors.Add(field.Name, "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
                return default;
            }
            case FieldKind.Number:
            {
                if (value is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number
                    && double.TryParse(nv.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    return new Converted(true, JsonValue.Create(d));
                }
                errors.Add(field.Name, "A valid number is required.");
                return default;
            }
            case FieldKind.Object:
            {
                if (value is JsonObject o)
                {
                    return new Converted(true, o.DeepClone());
                }
                errors.Add(field.Name, $"Expected a dictionary of items but got type \"{PythonType(value)}\".");
                return default;
            }
            case FieldKind.Any:
                return new Converted(true, value.DeepClone());
            case FieldKind.List:
            {
                if (value is not JsonArray arr)
                {
                    errors.Add(field.Name, $"Expected a list of items but got type \"{PythonType(value)}\".");
                    return default;
                }
                var elementKind = RequestFields.KindOf(elementType!);
                var output = new JsonArray();
                var ok = true;
                foreach (var item in arr)
                {
                    if (item is null)
                    {
                        errors.Add(field.Name, "This field may not be null.");
                        ok = false;
                        continue;
                    }
                    var c = Convert(field, elementKind, null, item, errors);
                    if (c.Ok)
                    {
                        output.Add(c.Node);
                    }
                    else
                    {
                        ok = false;
                    }
                }
                return ok ? new Converted(true, output) : default;
            }
            default:
                throw new InvalidOperationException($"Unsupported field kind {kind}");
        }
    }

    private static bool LooksLikeEmail(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && at < value.Length - 1 && !value.Contains(' ', StringComparison.Ordinal)
            && value[(at + 1)..].Contains('.', StringComparison.Ordinal);
    }
}

public enum FieldKind
{
    String,
    Bool,
    Int,
    Number,
    Uuid,
    DateTime,
    Object,
    Any,
    List,
}

/// <summary>One field of a request record, as reflection sees it (cached per type).</summary>
public sealed record RequestField(string Name, Type Type, FieldKind Kind, Type? ElementType, bool Required, bool Nullable, ApiFieldAttribute? Attribute);

public static class RequestFields
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<RequestField>> Cache = new();
    private static readonly NullabilityInfoContext Nullability = new();

    public static IReadOnlyList<RequestField> For(Type type) => Cache.GetOrAdd(type, Build);

    private static IReadOnlyList<RequestField> Build(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var list = new List<RequestField>();
        foreach (var p in ctor.GetParameters())
        {
            var prop = type.GetProperty(p.Name!);
            var attr = p.GetCustomAttribute<ApiFieldAttribute>() ?? prop?.GetCustomAttribute<ApiFieldAttribute>();
            var t = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            bool nullable;
            lock (Nullability)
            {
                nullable = Nullable.GetUnderlyingType(p.ParameterType) is not null
                    || (!p.ParameterType.IsValueType && Nullability.Create(p).WriteState == NullabilityState.Nullable);
            }
            Type? element = null;
            var kind = KindOf(t);
            if (kind == FieldKind.List)
            {
                element = t.IsArray ? t.GetElementType() : t.GetGenericArguments()[0];
            }
            list.Add(new RequestField(ApiJson.Name(p.Name!), t, kind, element, !p.HasDefaultValue, nullable, attr));
        }
        return list;
    }

    public static FieldKind KindOf(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(string)) return FieldKind.String;
        if (t == typeof(bool)) return FieldKind.Bool;
        if (t == typeof(int) || t == typeof(long)) return FieldKind.Int;
        if (t == typeof(double) || t == typeof(decimal) || t == typeof(float)) return FieldKind.Number;
        if (t == typeof(Guid)) return FieldKind.Uuid;
        if (t == typeof(DateTime) || t == typeof(DateTimeOffset)) return FieldKind.DateTime;
        if (t == typeof(JsonObject)) return FieldKind.Object;
        if (t == typeof(JsonNode) || t == typeof(JsonElement)) return FieldKind.Any;
        if (t.IsArray || (t.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(t))) return FieldKind.List;
        throw new InvalidOperationException($"Request field type {t} is not supported");
    }
}
