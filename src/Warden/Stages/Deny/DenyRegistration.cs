using Warden.Flows;

namespace Warden.Stages.Deny;

public static class DenyRegistration
{
    public static IServiceCollection AddDenyStage(this IServiceCollection services) =>
        services.AddStageType<DenyStage, DenyStageExecutor>(
            "ak-stage-deny-form", "Deny Stage", "Deny Stages", "authentik_stages_deny.denystage", "Cancels the current flow.");
}
