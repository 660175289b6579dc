using Warden.Flows;
using Warden.Stages.Deny;
using Warden.Stages.Identification;
using Warden.Stages.Password;
using Warden.Stages.Prompt;
using Warden.Stages.UserLogin;
using Warden.Stages.UserLogout;

namespace Warden.Stages;

/// <summary>Each built-in stage type with its executor, as authentik's models describe them (component, verbose names, docstring).</summary>
public static class StageRegistrations
{
    public static IServiceCollection AddDenyStage(this IServiceCollection services) =>
        services.AddStageType<DenyStage, DenyStageExecutor>(
            "ak-stage-deny-form", "Deny Stage", "Deny Stages", "authentik_stages_deny.denystage", "Cancels the current flow.");

    public static IServiceCollection AddUserLogoutStage(this IServiceCollection services) =>
        services.AddStageType<UserLogoutStage, UserLogoutStageExecutor>(
            "ak-stage-user-logout-form", "User Logout Stage", "User Logout Stages", "authentik_stages_user_logout.userlogoutstage",
            "Resets the users current session.");

    public static IServiceCollection AddUserLoginStage(this IServiceCollection services) =>
        services.AddStageType<UserLoginStage, UserLoginStageExecutor>(
            "ak-stage-user-login-form", "User Login Stage", "User Login Stages", "authentik_stages_user_login.userloginstage",
            "Attaches the currently pending user to the current session.");

    public static IServiceCollection AddPasswordStage(this IServiceCollection services)
    {
        services.AddScoped<PasswordCheck>();
        return services.AddStageType<PasswordStage, PasswordStageExecutor>(
            "ak-stage-password-form", "Password Stage", "Password Stages", "authentik_stages_password.passwordstage",
            "Prompts the user for their password, and validates it against the backends configured.");
    }

    public static IServiceCollection AddIdentificationStage(this IServiceCollection services) =>
        services.AddStageType<IdentificationStage, IdentificationStageExecutor>(
            "ak-stage-identification-form", "Identification Stage", "Identification Stages",
            "authentik_stages_identification.identificationstage", "Allows the user to identify themselves for authentication.");

    public static IServiceCollection AddPromptStage(this IServiceCollection services) =>
        services.AddStageType<PromptStage, PromptStageExecutor>(
            "ak-stage-prompt-form", "Prompt Stage", "Prompt Stages", "authentik_stages_prompt.promptstage", "Define arbitrary prompts for the user.");
}
