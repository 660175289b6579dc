using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Api;

/// <summary><c>/api/v3/root/config/</c> and the health endpoints.</summary>
public static class RootApi
{
    public static IEndpointRouteBuilder MapRootApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v3/root/config/", GetConfig)
            .Operation("root_config_retrieve", "root", "Retrieve public configuration options", anonymous: true)
            .Response<RootConfig>();
        app.MapGet("/-/health/live/", () => TypedResults.NoContent()).ExcludeFromDescription();
        app.MapGet("/-/health/ready/", GetReady).ExcludeFromDescription();
        return app;
    }

    [ApiSchema("Config", Description = "Serialize authentik Config into DRF Object")]
    public sealed record RootConfig(
        ErrorReportingConfig ErrorReporting,
        // authentik's CapabilitiesEnum; Warden reports none of them (see GetConfig).
        [ApiField(Choices = ["can_save_media", "can_save_reports", "can_geo_ip", "can_asn", "can_impersonate", "can_debug", "is_enterprise", "can_request", "can_agent_self_service"], EnumName = "CapabilitiesEnum")]
        IReadOnlyList<string> Capabilities,
        int CacheTimeout,
        int CacheTimeoutFlows,
        int CacheTimeoutPolicies);

    [ApiSchema("ErrorReportingConfig", Description = "Config for error reporting", ReadOnly = true)]
    public sealed record ErrorReportingConfig(bool Enabled, string SentryDsn, string Environment, bool SendPii, double TracesSampleRate);

    private static Ok<RootConfig> GetConfig()
    {
        // Warden reports no errors to a third party, stores no media and cannot impersonate: no capabilities.
        return TypedResults.Ok(new RootConfig(
            new ErrorReportingConfig(false, "", "customer", false, 0.0),
            [],
            CacheTimeout: 300,
            CacheTimeoutFlows: 300,
            CacheTimeoutPolicies: 300));
    }

    private static async Task<IResult> GetReady(WardenDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken) && !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any()
                ? TypedResults.NoContent()
                : TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
#pragma warning disable CA1031 // Any database failure means "not ready".
        catch (Exception)
#pragma warning restore CA1031
        {
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }
}
