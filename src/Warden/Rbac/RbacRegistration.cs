namespace Warden.Rbac;

public static class RbacRegistration
{
    /// <summary>The viewset guard used by every model API (<see cref="ObjectAccess"/>); the rule itself is <see cref="Permissions"/>.</summary>
    public static IServiceCollection AddRbac(this IServiceCollection services)
    {
        services.AddScoped<ObjectAccess>();
        return services;
    }
}
