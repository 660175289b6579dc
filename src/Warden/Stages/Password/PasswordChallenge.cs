using System.Text.Json.Serialization;
using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.Password;

/// <summary>authentik's <c>PasswordChallenge</c>.</summary>
[ApiSchema("PasswordChallenge", Description = "Password challenge UI fields")]
public sealed record PasswordChallenge(
    string PendingUser,
    string PendingUserAvatar,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RecoveryUrl = null,
    bool AllowShowPassword = false) : Challenge
{
    public const string ComponentName = "ak-stage-password";
}
