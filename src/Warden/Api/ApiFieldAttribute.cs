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
}

/// <summary>Names the OpenAPI component of a request or response record, e.g. <c>UserRequest</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiSchemaAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string? Description { get; set; }
}
