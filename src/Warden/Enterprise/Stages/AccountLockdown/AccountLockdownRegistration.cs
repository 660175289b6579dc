namespace Warden.Enterprise.Stages.AccountLockdown;

public static class AccountLockdownRegistration
{
    public static IServiceCollection AddAccountLockdown(this IServiceCollection services)
    {
        services.AddScoped<AccountLockdown>();
        return services;
    }
}
