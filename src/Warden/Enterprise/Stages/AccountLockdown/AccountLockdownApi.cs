using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Flows;
using Warden.Stages;

namespace Warden.Enterprise.Stages.AccountLockdown;

/// <summary>
/// authentik's account lockdown stage viewset, <c>/api/v3/stages/account_lockdown/</c>
/// (authentik/enterprise/stages/account_lockdown/api.py), on the shared typed-stage viewset. Creating or changing a
/// lockdown stage needs a valid licence (authentik's <c>EnterpriseRequiredMixin</c>, checked once every field is
/// valid); reading and deleting do not. While the licence is read-only, the middleware refuses every write here.
/// </summary>
public static class AccountLockdownApi
{
    private const string DeactivateUserHelp = "Deactivate the user account (set is_active to False)";
    private const string SetUnusablePasswordHelp = "Set an unusable password for the user";
    private const string DeleteSessionsHelp = "Delete all active sessions for the user";
    private const string RevokeTokensHelp = "Revoke all tokens for the user (API, app password, recovery, verification, OAuth)";
    private const string CompletionFlowHelp = "Flow to redirect users to after self-service lockdown. This flow should not require authentication since the user's session is deleted.";

    [ApiSchema("AccountLockdownStage", Description = "AccountLockdownStage Serializer")]
    public sealed record AccountLockdownStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet,
        bool DeactivateUser, bool SetUnusablePassword, bool DeleteSessions, bool RevokeTokens, Guid? SelfServiceCompletionFlow);

    [ApiSchema("AccountLockdownStageRequest", Description = "AccountLockdownStage Serializer")]
    public sealed record AccountLockdownStageRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(Description = DeactivateUserHelp)] bool DeactivateUser = true,
        [ApiField(Description = SetUnusablePasswordHelp)] bool SetUnusablePassword = true,
        [ApiField(Description = DeleteSessionsHelp)] bool DeleteSessions = true,
        [ApiField(Description = RevokeTokensHelp)] bool RevokeTokens = true,
        [ApiField(PrimaryKey = true, Description = CompletionFlowHelp)] Guid? SelfServiceCompletionFlow = null) : IStageRequest;

    public static IEndpointRouteBuilder MapAccountLockdownApi(this IEndpointRouteBuilder app)
    {
        new StageApi<AccountLockdownStage, AccountLockdownStageRequest, AccountLockdownStageResponse>
        {
            Route = "account_lockdown",
            OperationPrefix = "stages_account_lockdown",
            ModelName = "AccountLockdownStage",
            Filters = q => q
                .Filter("deactivate_user", s => s.DeactivateUser)
                .Filter("set_unusable_password", s => s.SetUnusablePassword)
                .Filter("delete_sessions", s => s.DeleteSessions)
                .Filter("revoke_tokens", s => s.RevokeTokens)
                .Filter("self_service_completion_flow", s => s.SelfServiceCompletionFlowId)
                .Order("deactivate_user", s => s.DeactivateUser)
                .Order("set_unusable_password", s => s.SetUnusablePassword)
                .Order("delete_sessions", s => s.DeleteSessions)
                .Order("revoke_tokens", s => s.RevokeTokens)
                .Order("self_service_completion_flow", s => s.SelfServiceCompletionFlowId),
            ToResponse = (s, c) => new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet,
                s.DeactivateUser, s.SetUnusablePassword, s.DeleteSessions, s.RevokeTokens, s.SelfServiceCompletionFlowId),
            ValidateFields = async (write, errors, cancellationToken) =>
            {
                // Only the foreign key is checked: authentik 2026.8 no longer requires the completion flow to need no login.
                if (write.Has("self_service_completion_flow") && write.Request.SelfServiceCompletionFlow is { } flowId
                    && !await write.Db.Set<Flow>().AnyAsync(f => f.Id == flowId, cancellationToken))
                {
                    errors.InvalidPk("self_service_completion_flow", flowId);
                }
            },
            // The licence gate runs only once every field is valid, as authentik's object-level validate().
            Validate = (write, cancellationToken) =>
                write.Http.RequestServices.GetRequiredService<LicenseStatus>().RequireEnterpriseForObjectAsync(cancellationToken),
            Apply = (write, stage, _) =>
            {
                var request = write.Request;
                if (write.IsCreate || write.Has("deactivate_user"))
                {
                    stage.DeactivateUser = request.DeactivateUser;
                }
                if (write.IsCreate || write.Has("set_unusable_password"))
                {
                    stage.SetUnusablePassword = request.SetUnusablePassword;
                }
                if (write.IsCreate || write.Has("delete_sessions"))
                {
                    stage.DeleteSessions = request.DeleteSessions;
                }
                if (write.IsCreate || write.Has("revoke_tokens"))
                {
                    stage.RevokeTokens = request.RevokeTokens;
                }
                if (write.IsCreate || write.Has("self_service_completion_flow"))
                {
                    stage.SelfServiceCompletionFlowId = request.SelfServiceCompletionFlow;
                }
                return Task.CompletedTask;
            },
        }.Map(app);
        return app;
    }
}
