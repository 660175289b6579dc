using Warden.Flows;

namespace Warden.Enterprise.Stages.AccountLockdown;

public static class AccountLockdownRegistration
{
    public static IServiceCollection AddAccountLockdown(this IServiceCollection services)
    {
        services.AddScoped<AccountLockdown>();
        services.AddStageType<AccountLockdownStage, AccountLockdownStageExecutor>(
            "ak-stage-account-lockdown-form", "Account Lockdown Stage", "Account Lockdown Stages",
            "authentik_stages_account_lockdown.accountlockdownstage", "Lock down a target user account.", requiresEnterprise: true);
        return services;
    }
}
