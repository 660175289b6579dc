using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Warden.Flows;

public static class FlowsRegistration
{
    /// <summary>The planner, the plan storage and the executor (stage types register themselves with AddStageType).</summary>
    public static IServiceCollection AddFlows(this IServiceCollection services)
    {
        services.TryAddSingleton<StageTypes>();
        services.AddScoped<FlowPlanner>();
        services.AddScoped<FlowPlans>();
        services.AddScoped<FlowExecutor>();
        return services;
    }
}
