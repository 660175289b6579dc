using System.Text.Json.Serialization;
using Warden.Api;
using Warden.Stages.Identification;
using Warden.Stages.Password;
using Warden.Stages.Prompt;
using Warden.Stages.UserLogin;

namespace Warden.Flows;

/// <summary>
/// authentik's <c>ChallengeTypes</c>: what the flow executor answers, told apart by <c>component</c>. Only the
/// challenges of the stages Warden implements are listed; each derived record sits beside its stage.
/// </summary>
[ApiSchema("ChallengeTypes")]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "component")]
[JsonDerivedType(typeof(AccessDeniedChallenge), AccessDeniedChallenge.ComponentName)]
[JsonDerivedType(typeof(FlowErrorChallenge), FlowErrorChallenge.ComponentName)]
[JsonDerivedType(typeof(RedirectChallenge), RedirectChallenge.ComponentName)]
[JsonDerivedType(typeof(IdentificationChallenge), IdentificationChallenge.ComponentName)]
[JsonDerivedType(typeof(PasswordChallenge), PasswordChallenge.ComponentName)]
[JsonDerivedType(typeof(PromptChallenge), PromptChallenge.ComponentName)]
[JsonDerivedType(typeof(UserLoginChallenge), UserLoginChallenge.ComponentName)]
public abstract record Challenge
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContextualFlowInfo? FlowInfo { get; init; }

    /// <summary>Errors of the previous answer, per field: <c>{field: [{string, code}]}</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, List<ErrorDetail>>? ResponseErrors { get; init; }
}

/// <summary>authentik's <c>ContextualFlowInfo</c>.</summary>
[ApiSchema("ContextualFlowInfo", Description = "Contextual flow information for a challenge")]
public sealed record ContextualFlowInfo(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Background,
    string CancelUrl,
    [property: ApiField(Choices = ["stacked", "content_left", "content_right", "sidebar_left", "sidebar_right", "sidebar_left_frame_background", "sidebar_right_frame_background"], EnumName = "ContextualFlowInfoLayoutEnum")] string Layout,
    Brands.BrandsApi.ThemedUrls? BackgroundThemedUrls = null)
{
    /// <summary>authentik's cancel URL: ends the plan and goes back to the start.</summary>
    public const string DefaultCancelUrl = "/flows/-/cancel/";
}

/// <summary>One error of a challenge response (DRF's ErrorDetail): the message and its code, e.g. <c>required</c>.</summary>
[ApiSchema("ErrorDetail", Description = "Serializer for rest_framework's error messages")]
public sealed record ErrorDetail(string String, string Code);

/// <summary>Whenever a stage is invalid: the flow was cancelled and ends here.</summary>
[ApiSchema("AccessDeniedChallenge", Description = "Challenge when a flow's active stage calls `stage_invalid()`.")]
public sealed record AccessDeniedChallenge(
    string PendingUser,
    string PendingUserAvatar,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorMessage) : Challenge
{
    public const string ComponentName = "ak-stage-access-denied";
}

/// <summary>An unexpected error: the request id, and the error and traceback for superusers only.</summary>
[ApiSchema("FlowErrorChallenge", Description = "Challenge class when an unhandled error occurs during a stage. Normal users\nare shown an error message, superusers are shown a full stacktrace.")]
public sealed record FlowErrorChallenge(
    string RequestId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Traceback = null) : Challenge
{
    public const string ComponentName = "ak-stage-flow-error";
}

/// <summary>Send the whole window to <see cref="To"/>.</summary>
[ApiSchema("RedirectChallenge", Description = "Challenge type to redirect the client")]
public sealed record RedirectChallenge(string To, bool FinalRedirect = false) : Challenge
{
    public const string ComponentName = "xak-flow-redirect";
}
