namespace Warden.Core;

public static class CoreRegistration
{
    public static IServiceCollection AddCore(this IServiceCollection services, IConfiguration configuration)
    {
        var passwords = configuration.GetSection("Passwords").Get<PasswordOptions>() ?? new PasswordOptions();
        if (passwords.Iterations < 1)
        {
            throw new InvalidOperationException("Passwords:Iterations must be positive.");
        }
        services.AddSingleton(passwords);
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<InstallIds>();
        services.AddSingleton<Installation>();
        services.AddScoped<UserResponses>();
        services.AddScoped<Bootstrap>();
        services.AddSingleton<Persistence.IStartupStep, BootstrapStep>();
        return services;
    }
}

internal sealed class BootstrapStep : Persistence.IStartupStep
{
    public Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Bootstrap>().RunAsync(cancellationToken);
}
