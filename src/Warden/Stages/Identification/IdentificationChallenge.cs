using System.Text.Json.Serialization;
using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.Identification;

/// <summary>authentik's <c>IdentificationChallenge</c>, less what needs captcha, passkeys or sources (answered empty).</summary>
[ApiSchema("IdentificationChallenge", Description = "Identification challenges with all UI elements")]
public sealed record IdentificationChallenge(
    List<string>? UserFields,
    bool PasswordFields,
    [property: ApiField(Choices = ["authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery", "stage_configuration"], EnumName = "FlowDesignationEnum")]
    string FlowDesignation,
    string PrimaryAction,
    bool ShowSourceLabels,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PendingUserIdentifier = null,
    bool AllowShowPassword = false,
    bool EnableRememberMe = true,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EnrollUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RecoveryUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PasswordlessUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApplicationPre = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApplicationPreLaunch = null) : Challenge
{
    public const string ComponentName = "ak-stage-identification";
}
