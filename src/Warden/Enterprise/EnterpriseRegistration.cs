namespace Warden.Enterprise;

public static class EnterpriseRegistration
{
    /// <summary>Licences: the trusted public keys (checked now, so a bad one stops the start), the install id and the status.</summary>
    public static IServiceCollection AddEnterprise(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(EnterpriseOptions.Section).Get<EnterpriseOptions>() ?? new EnterpriseOptions();
        services.AddSingleton(options);
        services.AddSingleton(new LicenseKeys(options));
        services.AddScoped<LicenseStatus>();
        return services;
    }

    /// <summary>The read-only licence middleware; place it after authentication.</summary>
    public static WebApplication UseEnterprise(this WebApplication app)
    {
        app.UseMiddleware<ReadOnlyLicenseMiddleware>();
        return app;
    }
}
