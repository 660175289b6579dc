using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Flows;
using Warden.Stages.Identification;

namespace Warden.Stages.Password;

/// <summary>authentik's password stage viewset, <c>/api/v3/stages/password/</c>.</summary>
public static class PasswordApi
{
    [ApiSchema("PasswordStage", Description = "PasswordStage Serializer")]
    public sealed record PasswordStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet,
        List<string> Backends, Guid? ConfigureFlow, int FailedAttemptsBeforeCancel, bool AllowShowPassword);

    [ApiSchema("PasswordStageRequest", Description = "PasswordStage Serializer")]
    public sealed record PasswordStageRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(Choices = [PasswordBackends.Inbuilt, PasswordBackends.Token, "authentik.sources.ldap.auth.LDAPBackend", "authentik.sources.kerberos.auth.KerberosBackend"], EnumName = "BackendsEnum")] List<string> Backends,
        [ApiField(PrimaryKey = true)] Guid? ConfigureFlow = null,
        [ApiField(Int32 = true)] int FailedAttemptsBeforeCancel = 5,
        bool AllowShowPassword = false) : IStageRequest;

    public static IEndpointRouteBuilder MapPasswordStageApi(this IEndpointRouteBuilder app)
    {
        new StageApi<PasswordStage, PasswordStageRequest, PasswordStageResponse>
        {
            Route = "password",
            OperationPrefix = "stages_password",
            ModelName = "PasswordStage",
            StageUuidFilter = false,
            Filters = q => q
                .Filter("allow_show_password", s => s.AllowShowPassword)
                .Filter("configure_flow", s => s.ConfigureFlowId)
                .Filter("failed_attempts_before_cancel", s => s.FailedAttemptsBeforeCancel)
                .Order("failed_attempts_before_cancel", s => s.FailedAttemptsBeforeCancel)
                .Order("allow_show_password", s => s.AllowShowPassword),
            ToResponse = (s, c) => new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet,
                s.Backends, s.ConfigureFlowId, s.FailedAttemptsBeforeCancel, s.AllowShowPassword),
            ValidateFields = async (write, errors, ct) =>
            {
                if (write.Has("configure_flow") && write.Request.ConfigureFlow is { } flow
                    && !await write.Db.Set<Flow>().AnyAsync(f => f.Id == flow, ct))
                {
                    errors.InvalidPk("configure_flow", flow);
                }
            },
            Apply = (write, stage, _) =>
            {
                var r = write.Request;
                if (write.Has("backends")) stage.Backends = [.. r.Backends];
                if (write.Has("configure_flow")) stage.ConfigureFlowId = r.ConfigureFlow;
                if (write.Has("failed_attempts_before_cancel")) stage.FailedAttemptsBeforeCancel = r.FailedAttemptsBeforeCancel;
                if (write.Has("allow_show_password")) stage.AllowShowPassword = r.AllowShowPassword;
                return Task.CompletedTask;
            },
            UsedBy = [StageUsedBy.Referencing<IdentificationStage>("identificationstage_set", "authentik_stages_identification",
                "identificationstage", s => s.PasswordStageId, UsedByActions.SetNull)],
        }.Map(app);
        return app;
    }
}

/// <summary>authentik's authentication backends a password stage may check (BackendsEnum).</summary>
public static class PasswordBackends
{
    /// <summary>The user's own password.</summary>
    public const string Inbuilt = "authentik.core.auth.InbuiltBackend";

    /// <summary>An app password token of the user.</summary>
    public const string Token = "authentik.core.auth.TokenBackend";
}
