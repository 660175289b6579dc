namespace Warden.Api;

/// <summary>
/// Describes a request field beyond what its C# type says, for both validation and the OpenAPI document.
/// A constructor parameter without a default value is required; a nullable type accepts <c>null</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class ApiFieldAttribute : Attribute
{
    /// <summary>Maximum length of a string (0 = none).</summary>
    public int MaxLength { get; set; }

    /// <summary>Minimum length of a string (0 = none; required strings are never blank unless AllowBlank).</summary>
    public int MinLength { get; set; }

    /// <summary>Whether an empty string is accepted.</summary>
    public bool AllowBlank { get; set; }

    /// <summary>Accepted values of a string field (an authentik enum).</summary>
    public string[]? Choices { get; set; }

    /// <summary>
    /// With <see cref="ChoicesMember"/>: the type whose public static field or property holds the accepted values,
    /// for an enum too long to spell in an attribute (authentik's <c>ModelEnum</c>). <see cref="Choices"/> wins.
    /// </summary>
    public Type? ChoicesFrom { get; set; }

    /// <summary>The name of the static <c>IReadOnlyList&lt;string&gt;</c> on <see cref="ChoicesFrom"/>, e.g. <c>nameof(PermissionCatalog.ModelEnum)</c>.</summary>
    public string? ChoicesMember { get; set; }

    /// <summary>The accepted values: <see cref="Choices"/>, else those <see cref="ChoicesFrom"/> names; null when any value is accepted.</summary>
    public IReadOnlyList<string>? AllChoices => Choices ?? ChoicesFrom switch
    {
        null => null,
        { } type => (type.GetField(ChoicesMember ?? "", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null)
                ?? type.GetProperty(ChoicesMember ?? "", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null))
            as IReadOnlyList<string>
            ?? throw new InvalidOperationException($"{type.FullName}.{ChoicesMember} is not a public static list of strings"),
    };

    /// <summary>The OpenAPI component name of the enum named by <see cref="Choices"/>, e.g. <c>UserTypeEnum</c>.</summary>
    public string? EnumName { get; set; }

    /// <summary>The field is a primary key of another object (DRF PrimaryKeyRelatedField messages).</summary>
    public bool PrimaryKey { get; set; }

    /// <summary>A regular expression the value must match, with <see cref="PatternMessage"/> on failure.</summary>
    public string? Pattern { get; set; }

    public string? PatternMessage { get; set; }

    /// <summary>Text for the OpenAPI document.</summary>
    public string? Description { get; set; }

    /// <summary>The field is a string that holds an e-mail address (OpenAPI format email).</summary>
    public bool Email { get; set; }

    /// <summary>
    /// An OpenAPI format for the document only, e.g. <c>uri</c> (email, uuid and date-time come from the type).
    /// An empty string documents no format: a <c>long</c> that authentik declares a plain <c>integer</c>.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>An integer stored in a 32-bit column: documented with Django's minimum and maximum (-2147483648, 2147483647).</summary>
    public bool Int32 { get; set; }

    /// <summary>
    /// The field is a JSON object (authentik's <c>JSONDictField</c>: <c>type: object</c>) although its C# type is
    /// <c>JsonNode</c>, so that the handler can refuse any other value with authentik's own message.
    /// </summary>
    public bool Dictionary { get; set; }

    /// <summary>
    /// In a response record without a request record: the field is writable with a default in authentik's
    /// serializer, which drf-spectacular leaves out of <c>required</c> although every response has it.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>
    /// In a response record: the field is read-only even though the request record has it (or there is no
    /// request record). Fields a response has and its request record lacks are read-only without this.
    /// </summary>
    public bool ReadOnly { get; set; }
}

/// <summary>
/// Names the OpenAPI component of a request or response record (or of a C# enum), e.g. <c>UserRequest</c>.
/// A response record <c>User</c> is paired with the request record named <c>UserRequest</c> (or <see cref="Request"/>):
/// its fields that the request lacks are read-only, and it takes their constraints from the request's fields.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Enum)]
public sealed class ApiSchemaAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string? Description { get; set; }

    /// <summary>The request record this response record is read back as, when it is not named <c>&lt;Name&gt;Request</c>.</summary>
    public Type? Request { get; set; }

    /// <summary>Every field is read-only (a serializer of read-only fields with no request counterpart).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>The object also allows properties it does not list (<c>additionalProperties: {}</c>).</summary>
    public bool AdditionalProperties { get; set; }
}
