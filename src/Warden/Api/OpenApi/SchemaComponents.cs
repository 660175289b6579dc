using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Warden.Api.OpenApi;

/// <summary>
/// Builds <c>components/schemas</c> from request and response records by reflection, in the shape
/// drf-spectacular gives authentik's serializers:
/// <list type="bullet">
/// <item>Request records (<c>.Request&lt;T&gt;()</c>) are read as <see cref="ApiBody"/> reads them
/// (<see cref="RequestFields"/>): a parameter without a default is required, strings that may not be blank get
/// <c>minLength: 1</c>, and a partial body is the <c>Patched&lt;Name&gt;</c> component with nothing required.</item>
/// <item>A response record <c>X</c> is paired with its request record (<c>XRequest</c>, or
/// <see cref="ApiSchemaAttribute.Request"/>). Its properties the request lacks are <c>readOnly</c>; it is required
/// when it is read-only or required in the request (a writable field with a default may be absent, as in DRF);
/// a property without its own <see cref="ApiFieldAttribute"/> takes the request field's (lengths, pattern, enum).
/// Without a request record nothing is read-only unless marked (<see cref="ApiFieldAttribute.ReadOnly"/>,
/// <see cref="ApiSchemaAttribute.ReadOnly"/>), and a property is required when its constructor parameter has
/// no default value (or is marked <see cref="ApiFieldAttribute.Optional"/>: writable with a default in
/// authentik's serializer). A property written only when it is not null (<c>JsonIgnore(WhenWritingNull)</c>) is
/// optional and not nullable.</item>
/// <item>A <c>JsonNode</c> marked <see cref="ApiFieldAttribute.Dictionary"/> is <c>type: object</c>; a <c>long</c>
/// is <c>int64</c> unless its <see cref="ApiFieldAttribute.Format"/> says otherwise (empty: none).</item>
/// <item>A base record with <c>[JsonDerivedType]</c> attributes is <c>oneOf</c> its derived records with a
/// <c>discriminator</c> (authentik's <c>ChallengeTypes</c>); each derived record's schema has the discriminator.</item>
/// <item><c>Paginated&lt;T&gt;</c> is authentik's <c>Paginated&lt;Name&gt;List</c> with <c>Pagination</c> and
/// <c>Autocomplete</c>; string fields with choices and C# enums are named enum components.</item>
/// </list>
/// Two different types that claim one component name are reported as a problem (the first one wins).
/// </summary>
public sealed class SchemaComponents
{
    private const string RefPrefix = "#/components/schemas/";

    private readonly SortedDictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly NullabilityInfoContext _nullability = new();
    private readonly List<string> _problems;

    public SchemaComponents(List<string> problems)
    {
        _problems = problems;
    }

    private enum Direction
    {
        Request,
        Response,
    }

    /// <summary>The component schemas registered so far, sorted by name as authentik's document is.</summary>
    public JsonObject ToJson()
    {
        var result = new JsonObject();
        foreach (var (name, schema) in _schemas)
        {
            result[name] = schema.DeepClone();
        }
        return result;
    }

    /// <summary>A request body's schema: a reference to <c>&lt;Name&gt;</c> or <c>Patched&lt;Name&gt;</c>.</summary>
    public JsonObject RequestBody(Type type, bool partial)
    {
        if (DerivedTypes(type).Count > 0)
        {
            return TypeSchema(type, null, Direction.Request, "");
        }
        var name = (partial ? "Patched" : "") + ComponentName(type);
        return Register(name, $"request {type.FullName}{(partial ? " (partial)" : "")}", () => RequestObject(type, partial));
    }

    /// <summary>A response body's schema (a reference for records, inline for lists and free-form objects).</summary>
    public JsonObject Response(Type type) => TypeSchema(type, null, Direction.Response, "");

    /// <summary>A named enum component (<c>{"enum": [...], "type": "string"}</c>), referenced.</summary>
    public JsonObject EnumSchema(string name, IReadOnlyList<string> values) =>
        Register(name, "enum [" + string.Join(", ", values) + "]", () => new JsonObject
        {
            ["enum"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["type"] = "string",
        });

    /// <summary>The schema of a query parameter of the given type.</summary>
    public JsonObject QuerySchema(QueryParameter parameter)
    {
        JsonObject Scalar() => parameter switch
        {
            { Choices: { } choices } => EnumSchema(parameter.EnumName ?? EnumNameFor(parameter.Name), choices),
            { Type: QueryType.Bool } => new JsonObject { ["type"] = "boolean" },
            { Type: QueryType.Int or QueryType.IntArray } => new JsonObject { ["type"] = "integer" },
            { Type: QueryType.Uuid or QueryType.UuidArray } => new JsonObject { ["type"] = "string", ["format"] = "uuid" },
            { Type: QueryType.DateTime } => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            _ => new JsonObject { ["type"] = "string" },
        };
        return parameter.Type is QueryType.StringArray or QueryType.UuidArray or QueryType.IntArray
            ? new JsonObject { ["type"] = "array", ["items"] = Scalar() }
            : Scalar();
    }

    /// <summary>GenericError and ValidationError, which every operation's default 400 and 403 refer to.</summary>
    public void AddErrorSchemas()
    {
        Response(typeof(GenericError));
        Response(typeof(ValidationErrorSchema));
    }

    private JsonObject Register(string name, string owner, Func<JsonObject> build)
    {
        var reference = new JsonObject { ["$ref"] = RefPrefix + name };
        if (_owners.TryGetValue(name, out var existing))
        {
            if (existing != owner)
            {
                var problem = $"OpenAPI component '{name}' is claimed by {existing} and by {owner}";
                if (!_problems.Contains(problem))
                {
                    _problems.Add(problem);
                }
            }
            return reference;
        }
        // Reserve the name first so a type that refers to itself ends in a reference, not a loop.
        _owners[name] = owner;
        _schemas[name] = new JsonObject();
        _schemas[name] = build();
        return reference;
    }

    private JsonObject RequestObject(Type type, bool partial)
    {
        var attribute = type.GetCustomAttribute<ApiSchemaAttribute>();
        IReadOnlyList<RequestField> fields;
        try
        {
            fields = RequestFields.For(type);
        }
        catch (InvalidOperationException ex)
        {
            _problems.Add($"request record {type.FullName}: {ex.Message}");
            return new JsonObject { ["type"] = "object" };
        }
        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var field in fields)
        {
            var schema = TypeSchema(field.Type, field.Attribute, Direction.Request, field.Name);
            properties[field.Name] = Decorate(schema, readOnly: false, field.Nullable, field.Attribute?.Description);
            if (field.Required && !partial)
            {
                required.Add(field.Name);
            }
        }
        AddDiscriminator(type, properties, Direction.Request);
        return ObjectSchema(attribute, properties, required);
    }

    private JsonObject ResponseObject(Type type)
    {
        var attribute = type.GetCustomAttribute<ApiSchemaAttribute>();
        var counterpart = RequestCounterpart(type, attribute);
        Dictionary<string, RequestField>? requestFields = null;
        if (counterpart is not null)
        {
            try
            {
                requestFields = RequestFields.For(counterpart).ToDictionary(f => f.Name, StringComparer.Ordinal);
            }
            catch (InvalidOperationException ex)
            {
                _problems.Add($"request record {counterpart.FullName}: {ex.Message}");
            }
        }
        var constructorParameters = type.GetConstructors()
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault()?.GetParameters()
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, StringComparer.Ordinal) ?? [];

        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var ignore = property.GetCustomAttribute<JsonIgnoreAttribute>();
            if (ignore is { Condition: JsonIgnoreCondition.Always })
            {
                continue;
            }
            var omittedWhenNull = ignore is { Condition: JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault };
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? ApiJson.Name(property.Name);
            constructorParameters.TryGetValue(property.Name, out var parameter);
            var own = parameter?.GetCustomAttribute<ApiFieldAttribute>() ?? property.GetCustomAttribute<ApiFieldAttribute>();
            RequestField? requestField = null;
            requestFields?.TryGetValue(name, out requestField);
            var field = own ?? requestField?.Attribute;

            var readOnly = (attribute?.ReadOnly ?? false) || (own?.ReadOnly ?? false) || (requestFields is not null && requestField is null);
            var nullable = !omittedWhenNull && IsNullable(property);
            var requiredByConstructor = parameter is not null ? !parameter.HasDefaultValue : property.IsDefined(typeof(RequiredMemberAttribute));
            if (!omittedWhenNull && !(own?.Optional ?? false) && (readOnly || (requestField?.Required ?? requiredByConstructor)))
            {
                required.Add(name);
            }
            var schema = TypeSchema(property.PropertyType, field, Direction.Response, name);
            properties[name] = Decorate(schema, readOnly, nullable, field?.Description);
        }
        AddDiscriminator(type, properties, Direction.Response);
        return ObjectSchema(attribute, properties, required);
    }

    private static JsonObject ObjectSchema(ApiSchemaAttribute? attribute, JsonObject properties, List<string> required)
    {
        var schema = new JsonObject { ["type"] = "object" };
        if (attribute?.Description is { } description)
        {
            schema["description"] = description;
        }
        schema["properties"] = properties;
        if (attribute?.AdditionalProperties ?? false)
        {
            schema["additionalProperties"] = new JsonObject();
        }
        if (required.Count > 0)
        {
            required.Sort(StringComparer.Ordinal);
            schema["required"] = new JsonArray(required.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        }
        return schema;
    }

    /// <summary>Adds readOnly / nullable / description; a reference gets them through <c>allOf</c>, as drf-spectacular writes it.</summary>
    private static JsonObject Decorate(JsonObject schema, bool readOnly, bool nullable, string? description)
    {
        if (!readOnly && !nullable && description is null)
        {
            return schema;
        }
        if (schema.ContainsKey("$ref"))
        {
            schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        }
        if (readOnly)
        {
            schema["readOnly"] = true;
        }
        if (nullable)
        {
            schema["nullable"] = true;
        }
        if (description is not null)
        {
            schema["description"] = description;
        }
        return schema;
    }

    private JsonObject TypeSchema(Type type, ApiFieldAttribute? field, Direction direction, string fieldName)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            if (field?.AllChoices is { } choices)
            {
                return EnumSchema(field.EnumName ?? EnumNameFor(fieldName), choices);
            }
            var schema = new JsonObject { ["type"] = "string" };
            if ((field?.Format ?? (field is { Email: true } ? "email" : null)) is { Length: > 0 } format)
            {
                schema["format"] = format;
            }
            // DRF's CharField refuses a blank value unless allow_blank; drf-spectacular writes that as minLength 1 on requests only.
            var minLength = field is { MinLength: > 0 } ? field.MinLength : field is { AllowBlank: true } ? 0 : 1;
            if (direction == Direction.Request && minLength > 0)
            {
                schema["minLength"] = minLength;
            }
            if (field is { MaxLength: > 0 })
            {
                schema["maxLength"] = field.MaxLength;
            }
            if (field?.Pattern is { } pattern)
            {
                schema["pattern"] = pattern;
            }
            return schema;
        }
        if (t == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }
        if (t == typeof(int) || t == typeof(short) || t == typeof(byte) || t == typeof(uint) || t == typeof(ushort))
        {
            var integer = WithFormat(new JsonObject { ["type"] = "integer" }, field);
            if (field is { Int32: true })
            {
                integer["maximum"] = int.MaxValue;
                integer["minimum"] = int.MinValue;
            }
            return integer;
        }
        if (t == typeof(long) || t == typeof(ulong))
        {
            return WithFormat(new JsonObject { ["type"] = "integer" }, field, "int64");
        }
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal))
        {
            return WithFormat(new JsonObject { ["type"] = "number" }, field, "double");
        }
        if (t == typeof(Guid))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "uuid" };
        }
        if (t == typeof(DateTime) || t == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }
        if (t == typeof(DateOnly))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date" };
        }
        if (t == typeof(Uri))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "uri" };
        }
        if (t.IsEnum)
        {
            return EnumSchema(t.GetCustomAttribute<ApiSchemaAttribute>()?.Name ?? field?.EnumName ?? t.Name + "Enum", EnumValues(t));
        }
        // A JsonNode declared a dictionary (authentik's JSONDictField) is documented as the object it must be.
        if (t == typeof(JsonObject) || (field is { Dictionary: true } && (t == typeof(JsonNode) || t == typeof(JsonElement))))
        {
            return FreeFormObject();
        }
        if (t == typeof(object) || t == typeof(JsonNode) || t == typeof(JsonElement) || t == typeof(JsonValue))
        {
            return new JsonObject();
        }
        if (DictionaryValueType(t) is { } valueType)
        {
            return valueType == typeof(object) || valueType == typeof(JsonNode) || valueType == typeof(JsonElement)
                ? FreeFormObject()
                : new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(valueType, null, direction, fieldName) };
        }
        if (t == typeof(JsonArray))
        {
            return new JsonObject { ["type"] = "array", ["items"] = new JsonObject() };
        }
        if (ElementType(t) is { } element)
        {
            // A field's attribute describes its items: choices make an array of the enum, lengths bound each string.
            return new JsonObject { ["type"] = "array", ["items"] = TypeSchema(element, field, direction, fieldName) };
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Paginated<>))
        {
            return PaginatedList(t.GetGenericArguments()[0]);
        }
        if (DerivedTypes(t) is { Count: > 0 } derived)
        {
            return Register(ComponentName(t), $"{direction.ToString().ToLowerInvariant()} {t.FullName}", () => Union(t, derived, direction));
        }
        if (direction == Direction.Request)
        {
            return Register(ComponentName(t), $"request {t.FullName}", () => RequestObject(t, partial: false));
        }
        return Register(ComponentName(t), $"response {t.FullName}", () => ResponseObject(t));
    }

    /// <summary>
    /// A polymorphic record (<c>[JsonDerivedType]</c> on its base, as System.Text.Json writes it): <c>oneOf</c> its
    /// derived records with a <c>discriminator</c> mapping, as authentik's <c>ChallengeTypes</c>.
    /// </summary>
    private JsonObject Union(Type type, IReadOnlyList<JsonDerivedTypeAttribute> derived, Direction direction)
    {
        var oneOf = new JsonArray();
        var mapping = new JsonObject();
        foreach (var subtype in derived)
        {
            var reference = TypeSchema(subtype.DerivedType, null, direction, "");
            oneOf.Add(reference);
            if (subtype.TypeDiscriminator is { } value)
            {
                mapping[value.ToString()!] = reference["$ref"]!.GetValue<string>();
            }
        }
        return new JsonObject
        {
            ["oneOf"] = oneOf,
            ["discriminator"] = new JsonObject { ["propertyName"] = DiscriminatorName(type), ["mapping"] = mapping },
        };
    }

    private static IReadOnlyList<JsonDerivedTypeAttribute> DerivedTypes(Type type) =>
        type.GetCustomAttributes<JsonDerivedTypeAttribute>(inherit: false).ToList();

    private static string DiscriminatorName(Type type) =>
        type.GetCustomAttribute<JsonPolymorphicAttribute>(inherit: false)?.TypeDiscriminatorPropertyName ?? "$type";

    /// <summary>
    /// The discriminator System.Text.Json writes for a derived record of a polymorphic base (the record itself has
    /// no such property): it belongs in the record's schema too, as an optional string.
    /// </summary>
    private static void AddDiscriminator(Type type, JsonObject properties, Direction direction)
    {
        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (DerivedTypes(baseType).Any(d => d.DerivedType == type))
            {
                var name = DiscriminatorName(baseType);
                if (!properties.ContainsKey(name))
                {
                    var schema = new JsonObject { ["type"] = "string" };
                    if (direction == Direction.Request)
                    {
                        schema["minLength"] = 1;
                    }
                    var existing = properties.ToList();
                    properties.Clear();
                    properties[name] = schema;
                    foreach (var (key, value) in existing)
                    {
                        properties[key] = value;
                    }
                }
                return;
            }
        }
    }

    /// <summary>The field's own format, else <paramref name="standard"/>; an empty format documents none.</summary>
    private static JsonObject WithFormat(JsonObject schema, ApiFieldAttribute? field, string? standard = null)
    {
        if ((field?.Format ?? standard) is { Length: > 0 } format)
        {
            schema["format"] = format;
        }
        return schema;
    }

    private static JsonObject FreeFormObject() => new() { ["type"] = "object", ["additionalProperties"] = new JsonObject() };

    /// <summary>authentik's paginated list: <c>Paginated&lt;Item&gt;List</c> with its <c>Pagination</c> and <c>Autocomplete</c>.</summary>
    private JsonObject PaginatedList(Type itemType)
    {
        var itemName = ComponentName(itemType);
        return Register($"Paginated{itemName}List", $"response {typeof(Paginated<>).FullName}[{itemType.FullName}]", () =>
        {
            var pagination = Register("Pagination", $"response {typeof(Pagination).FullName}", PaginationSchema);
            var autocomplete = Register("Autocomplete", "authentik's autocomplete object", FreeFormObject);
            var items = TypeSchema(itemType, null, Direction.Response, "results");
            return new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["pagination"] = pagination,
                    ["results"] = new JsonObject { ["type"] = "array", ["items"] = items },
                    ["autocomplete"] = autocomplete,
                },
                ["required"] = new JsonArray("autocomplete", "pagination", "results"),
            };
        });
    }

    /// <summary>The <see cref="Pagination"/> record's fields; authentik's paginator declares each of them a <c>number</c>.</summary>
    private static JsonObject PaginationSchema()
    {
        var names = typeof(Pagination).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => ApiJson.Name(p.Name)).ToList();
        var properties = new JsonObject();
        foreach (var name in names)
        {
            properties[name] = new JsonObject { ["type"] = "number" };
        }
        names.Sort(StringComparer.Ordinal);
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
        };
    }

    private bool IsNullable(PropertyInfo property)
    {
        if (Nullable.GetUnderlyingType(property.PropertyType) is not null)
        {
            return true;
        }
        return !property.PropertyType.IsValueType && _nullability.Create(property).ReadState == NullabilityState.Nullable;
    }

    /// <summary>The request record a response record is read back as: named by its attribute, or <c>&lt;Name&gt;Request</c> in its assembly.</summary>
    private Type? RequestCounterpart(Type response, ApiSchemaAttribute? attribute)
    {
        if (attribute?.Request is { } explicitType)
        {
            return explicitType;
        }
        var candidates = ComponentIndex.For(response.Assembly).GetValueOrDefault(ComponentName(response) + "Request") ?? [];
        candidates = candidates.Where(c => c != response).ToList();
        if (candidates.Count > 1)
        {
            _problems.Add($"response record {response.FullName} has several request records named {ComponentName(response)}Request: "
                + string.Join(", ", candidates.Select(c => c.FullName)) + "; name one with [ApiSchema(Request = ...)]");
            return null;
        }
        return candidates.SingleOrDefault();
    }

    /// <summary>A component's name: <see cref="ApiSchemaAttribute.Name"/>, else the type's name.</summary>
    public static string ComponentName(Type type)
    {
        if (type.GetCustomAttribute<ApiSchemaAttribute>() is { } attribute)
        {
            return attribute.Name;
        }
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var baseName = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return baseName + string.Concat(type.GetGenericArguments().Select(ComponentName));
    }

    /// <summary>drf-spectacular's fallback name for a choice field's enum: <c>user_type</c> → <c>UserTypeEnum</c>.</summary>
    public static string EnumNameFor(string fieldName) =>
        string.Concat(fieldName.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..])) + "Enum";

    /// <summary>An enum's values as <see cref="ApiJson"/> writes them (snake_case, or the member's JSON name).</summary>
    public static IReadOnlyList<string> EnumValues(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(f.Name))
            .ToList();

    private static Type? DictionaryValueType(Type t)
    {
        var dictionary = t.IsGenericType && t.GetGenericTypeDefinition() is var d
            && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>) || d == typeof(Dictionary<,>))
            ? t
            : t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is null)
        {
            return null;
        }
        var arguments = dictionary.GetGenericArguments();
        return arguments[0] == typeof(string) ? arguments[1] : null;
    }

    private static Type? ElementType(Type t)
    {
        if (t.IsArray)
        {
            return t.GetElementType();
        }
        if (!typeof(IEnumerable).IsAssignableFrom(t))
        {
            return null;
        }
        var enumerable = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? t
            : t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    /// <summary>Component names of an assembly's types, for pairing response records with request records.</summary>
    private static class ComponentIndex
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Assembly, Dictionary<string, List<Type>>> Cache = new();

        public static Dictionary<string, List<Type>> For(Assembly assembly) => Cache.GetOrAdd(assembly, Build);

        private static Dictionary<string, List<Type>> Build(Assembly assembly)
        {
            Type?[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = ex.Types;
            }
            return types
                .OfType<Type>()
                .Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition && !t.Name.StartsWith('<')
                    && !t.IsDefined(typeof(CompilerGeneratedAttribute)))
                .GroupBy(ComponentName, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        }
    }
}

/// <summary>
/// The body <see cref="ValidationErrors"/> produces, as authentik's <c>ValidationError</c> component:
/// field names map to lists of messages, with <c>non_field_errors</c> for the rest.
/// </summary>
[ApiSchema("ValidationError", Description = "Validation Error", AdditionalProperties = true)]
public sealed record ValidationErrorSchema(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? NonFieldErrors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null);
