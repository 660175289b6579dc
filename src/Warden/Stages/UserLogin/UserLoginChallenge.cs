using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.UserLogin;

/// <summary>authentik's <c>UserLoginChallenge</c>: asks "remember me?" when the stage offers it.</summary>
[ApiSchema("UserLoginChallenge", Description = "Empty challenge")]
public sealed record UserLoginChallenge(string PendingUser, string PendingUserAvatar) : Challenge
{
    public const string ComponentName = "ak-stage-user-login";
}
