using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Blueprints;

/// <summary>Configuration section <c>Blueprints</c>.</summary>
public sealed class BlueprintOptions
{
    public const string Section = "Blueprints";

    /// <summary>
    /// Apply the shipped default blueprints (login and logout flows) at every start, and point the default brand at
    /// them where it names no flow yet. Default true.
    /// </summary>
    public bool ApplyDefaults { get; set; } = true;
}

public static class BlueprintRegistration
{
    public static IServiceCollection AddBlueprints(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(BlueprintOptions.Section).Get<BlueprintOptions>() ?? new BlueprintOptions());
        services.AddScoped<BlueprintImporter>();
        services.AddSingleton<IStartupStep, DefaultBlueprints>();
        return services;
    }
}

/// <summary>
/// At every start (after migrations and bootstrap): applies each shipped blueprint that instantiates on its own, then
/// sets the default brand's authentication and invalidation flows to the default ones when it has none. Applying is
/// idempotent, so every node may do it at every start.
/// </summary>
public sealed partial class DefaultBlueprints(BlueprintOptions options, ILogger<DefaultBlueprints> logger) : IStartupStep
{
    public const string AuthenticationFlowSlug = "default-authentication-flow";
    public const string InvalidationFlowSlug = "default-invalidation-flow";

    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!options.ApplyDefaults)
        {
            return;
        }
        var importer = services.GetRequiredService<BlueprintImporter>();
        foreach (var name in ShippedBlueprints.AutoInstantiated())
        {
            LogApplying(logger, name);
            var blueprint = Blueprint.Parse(ShippedBlueprints.Read(name)!);
            try
            {
                await importer.ApplyAsync(blueprint, cancellationToken: cancellationToken);
            }
            catch (BlueprintException ex)
            {
                // Another node starting at the same moment may have created the same objects first; a second attempt
                // finds them. A second failure is real and stops the start.
                LogRetrying(logger, ex, name);
                await importer.ApplyAsync(blueprint, cancellationToken: cancellationToken);
            }
        }

        var db = services.GetRequiredService<WardenDbContext>();
        var brand = await db.Brands.FirstOrDefaultAsync(b => b.Default, cancellationToken);
        if (brand is null)
        {
            return;
        }
        // Only an unset flow is filled in: an operator's choice survives restarts.
        brand.FlowAuthenticationId ??= await FlowIdAsync(db, AuthenticationFlowSlug, cancellationToken);
        brand.FlowInvalidationId ??= await FlowIdAsync(db, InvalidationFlowSlug, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static Task<Guid?> FlowIdAsync(WardenDbContext db, string slug, CancellationToken cancellationToken) =>
        db.Set<Flow>().Where(f => f.Slug == slug).Select(f => (Guid?)f.Id).FirstOrDefaultAsync(cancellationToken);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Default blueprint {Name} failed once; applying it again")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Applying default blueprint {Name}")]
    private static partial void LogApplying(ILogger logger, string name);
}
