using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.Deny;

/// <summary>authentik's deny stage viewset, <c>/api/v3/stages/deny/</c> (authentik/stages/deny/api.py).</summary>
public static class DenyApi
{
    [ApiSchema("DenyStage", Description = "DenyStage Serializer")]
    public sealed record DenyStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet, string DenyMessage);

    [ApiSchema("DenyStageRequest", Description = "DenyStage Serializer")]
    public sealed record DenyStageRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(AllowBlank = true)] string DenyMessage = "") : IStageRequest;

    public static IEndpointRouteBuilder MapDenyStageApi(this IEndpointRouteBuilder app)
    {
        new StageApi<DenyStage, DenyStageRequest, DenyStageResponse>
        {
            Route = "deny",
            OperationPrefix = "stages_deny",
            ModelName = "DenyStage",
            Filters = q => q.Filter("deny_message", s => s.DenyMessage).Order("deny_message", s => s.DenyMessage),
            ToResponse = (s, c) => new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet, s.DenyMessage),
            Apply = (write, stage, _) =>
            {
                if (write.Has("deny_message"))
                {
                    stage.DenyMessage = write.Request.DenyMessage;
                }
                return Task.CompletedTask;
            },
        }.Map(app);
        return app;
    }
}
