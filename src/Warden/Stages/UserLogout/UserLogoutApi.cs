using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.UserLogout;

/// <summary>authentik's user logout stage viewset, <c>/api/v3/stages/user_logout/</c>.</summary>
public static class UserLogoutApi
{
    [ApiSchema("UserLogoutStage", Description = "UserLogoutStage Serializer")]
    public sealed record UserLogoutStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet);

    [ApiSchema("UserLogoutStageRequest", Description = "UserLogoutStage Serializer")]
    public sealed record UserLogoutStageRequest([ApiField(MinLength = 1, Indexed = true)] string Name) : IStageRequest;

    public static IEndpointRouteBuilder MapUserLogoutStageApi(this IEndpointRouteBuilder app)
    {
        new StageApi<UserLogoutStage, UserLogoutStageRequest, UserLogoutStageResponse>
        {
            Route = "user_logout",
            OperationPrefix = "stages_user_logout",
            ModelName = "UserLogoutStage",
            ToResponse = (s, c) => new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet),
            Apply = (_, _, _) => Task.CompletedTask,
        }.Map(app);
        return app;
    }
}
