using System.Text.Json.Serialization;
using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.Identification;

/// <summary>authentik's <c>IdentificationChallenge</c>, less what needs captcha, passkeys or sources (answered empty).</summary>
[ApiSchema("IdentificationChallenge", Description = "Identification challenges with all UI elements", ReadOnly = true)]
public sealed record IdentificationChallenge(
    List<string>? UserFields,
    bool PasswordFields,
    string FlowDesignation,
    string PrimaryAction,
    bool ShowSourceLabels,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PendingUserIdentifier = null,
    bool AllowShowPassword = false,
    bool EnableRememberMe = true,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EnrollUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RecoveryUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PasswordlessUrl = null) : Challenge
{
    public const string ComponentName = "ak-stage-identification";
}
