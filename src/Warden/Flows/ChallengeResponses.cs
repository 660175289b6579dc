using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Warden.Api;

namespace Warden.Flows;

/// <summary>
/// authentik's <c>FlowChallengeResponse</c>: what the browser answers a challenge with, told apart by
/// <c>component</c>. The executor hands the JSON object to the current stage as it is; these records describe it
/// in the OpenAPI document, for the stages Warden implements.
/// </summary>
[ApiSchema("FlowChallengeResponseRequest")]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "component")]
[JsonDerivedType(typeof(IdentificationChallengeResponseRequest), "ak-stage-identification")]
[JsonDerivedType(typeof(PasswordChallengeResponseRequest), "ak-stage-password")]
[JsonDerivedType(typeof(PromptChallengeResponseRequest), "ak-stage-prompt")]
[JsonDerivedType(typeof(RedirectChallengeResponseRequest), "xak-flow-redirect")]
[JsonDerivedType(typeof(UserLoginChallengeResponseRequest), "ak-stage-user-login")]
public abstract record FlowChallengeResponseRequest;

[ApiSchema("IdentificationChallengeResponseRequest", Description = "Identification challenge")]
public sealed record IdentificationChallengeResponseRequest(
    [ApiField(AllowBlank = true)] string? UidField = null,
    [ApiField(AllowBlank = true)] string? Password = null,
    [ApiField(AllowBlank = true)] string? CaptchaToken = null,
    JsonObject? Passkey = null) : FlowChallengeResponseRequest;

[ApiSchema("PasswordChallengeResponseRequest", Description = "Password challenge response")]
public sealed record PasswordChallengeResponseRequest(string Password) : FlowChallengeResponseRequest;

/// <summary>The prompt stage's answer: one property per prompt field (<c>field_key</c>), so any property is allowed.</summary>
[ApiSchema("PromptChallengeResponseRequest", Description = "Validate response, fields are dynamically created based\non the stage", AdditionalProperties = true)]
public sealed record PromptChallengeResponseRequest : FlowChallengeResponseRequest;

[ApiSchema("RedirectChallengeResponseRequest", Description = "Redirect challenge response")]
public sealed record RedirectChallengeResponseRequest(string To) : FlowChallengeResponseRequest;

[ApiSchema("UserLoginChallengeResponseRequest", Description = "User login challenge")]
public sealed record UserLoginChallengeResponseRequest(bool RememberMe) : FlowChallengeResponseRequest;
