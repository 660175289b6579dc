using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.Identification;

/// <summary>
/// authentik's identification stage viewset, <c>/api/v3/stages/identification/</c>. Warden has no captcha or WebAuthn
/// stages and no sources: those fields accept null (or an empty list) only, anything else is a key that does not exist.
/// </summary>
public static class IdentificationApi
{
    [ApiSchema("IdentificationStage", Description = "IdentificationStage Serializer")]
    public sealed record IdentificationStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet,
        List<string> UserFields, Guid? PasswordStage, Guid? CaptchaStage, bool CaseInsensitiveMatching, bool ShowMatchedUser,
        Guid? EnrollmentFlow, Guid? RecoveryFlow, Guid? PasswordlessFlow, List<Guid> Sources, bool ShowSourceLabels,
        bool PretendUserExists, bool EnableRememberMe, Guid? WebauthnStage);

    [ApiSchema("IdentificationStageRequest", Description = "IdentificationStage Serializer")]
    public sealed record IdentificationStageRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(Choices = ["email", "username", "upn"], EnumName = "UserFieldsEnum")] List<string> UserFields = null!,
        [ApiField(PrimaryKey = true)] Guid? PasswordStage = null,
        [ApiField(PrimaryKey = true)] Guid? CaptchaStage = null,
        bool CaseInsensitiveMatching = true,
        bool ShowMatchedUser = true,
        [ApiField(PrimaryKey = true)] Guid? EnrollmentFlow = null,
        [ApiField(PrimaryKey = true)] Guid? RecoveryFlow = null,
        [ApiField(PrimaryKey = true)] Guid? PasswordlessFlow = null,
        [ApiField(PrimaryKey = true)] List<Guid> Sources = null!,
        bool ShowSourceLabels = false,
        bool PretendUserExists = true,
        bool EnableRememberMe = false,
        [ApiField(PrimaryKey = true)] Guid? WebauthnStage = null) : IStageRequest;

    public static IEndpointRouteBuilder MapIdentificationStageApi(this IEndpointRouteBuilder app)
    {
        new StageApi<IdentificationStage, IdentificationStageRequest, IdentificationStageResponse>
        {
            Route = "identification",
            OperationPrefix = "stages_identification",
            ModelName = "IdentificationStage",
            StageUuidFilter = false,
            Filters = q => q
                .Filter(new QueryParameter("captcha_stage", QueryType.Uuid), (s, v) => Guid.TryParse(v[0], out _) ? s.Where(_ => false) : null)
                .Filter("case_insensitive_matching", s => s.CaseInsensitiveMatching)
                .Filter("enrollment_flow", s => s.EnrollmentFlowId)
                .Filter("password_stage", s => s.PasswordStageId)
                .Filter("passwordless_flow", s => s.PasswordlessFlowId)
                .Filter("recovery_flow", s => s.RecoveryFlowId)
                .Filter("show_matched_user", s => s.ShowMatchedUser)
                .Filter("show_source_labels", s => s.ShowSourceLabels)
                .Filter(new QueryParameter("webauthn_stage", QueryType.Uuid), (s, v) => Guid.TryParse(v[0], out _) ? s.Where(_ => false) : null),
            ToResponse = (s, c) => new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet,
                s.UserFields, s.PasswordStageId, null, s.CaseInsensitiveMatching, s.ShowMatchedUser, s.EnrollmentFlowId,
                s.RecoveryFlowId, s.PasswordlessFlowId, [], s.ShowSourceLabels, s.PretendUserExists, s.EnableRememberMe, null),
            ValidateFields = async (write, errors, ct) =>
            {
                var r = write.Request;
                var db = write.Db;
                if (write.Has("password_stage") && r.PasswordStage is { } ps && !await db.Set<Warden.Stages.Password.PasswordStage>().AnyAsync(s => s.Id == ps, ct))
                {
                    errors.InvalidPk("password_stage", ps);
                }
                // No captcha or WebAuthn stage and no source exists in Warden: any key names nothing.
                if (write.Has("captcha_stage") && r.CaptchaStage is { } cs)
                {
                    errors.InvalidPk("captcha_stage", cs);
                }
                if (write.Has("webauthn_stage") && r.WebauthnStage is { } ws)
                {
                    errors.InvalidPk("webauthn_stage", ws);
                }
                if (write.Has("sources") && r.Sources is [var source, ..])
                {
                    errors.InvalidPk("sources", source);
                }
                foreach (var (field, id) in new[] { ("enrollment_flow", r.EnrollmentFlow), ("recovery_flow", r.RecoveryFlow), ("passwordless_flow", r.PasswordlessFlow) })
                {
                    if (write.Has(field) && id is { } flow && !await db.Set<Flow>().AnyAsync(f => f.Id == flow, ct))
                    {
                        errors.InvalidPk(field, flow);
                    }
                }
            },
            // authentik's validate() reads only what was sent, so a partial update without user_fields is refused too.
            Validate = (write, _) => Task.FromResult<IResult?>(
                write.Has("user_fields") && write.Request.UserFields.Count > 0
                    ? null
                    : ApiErrors.NonField("When no user fields are selected, at least one source must be selected")),
            Apply = (write, stage, _) =>
            {
                var r = write.Request;
                if (write.Has("user_fields")) stage.UserFields = [.. r.UserFields];
                if (write.Has("password_stage")) stage.PasswordStageId = r.PasswordStage;
                if (write.Has("case_insensitive_matching")) stage.CaseInsensitiveMatching = r.CaseInsensitiveMatching;
                if (write.Has("show_matched_user")) stage.ShowMatchedUser = r.ShowMatchedUser;
                if (write.Has("enrollment_flow")) stage.EnrollmentFlowId = r.EnrollmentFlow;
                if (write.Has("recovery_flow")) stage.RecoveryFlowId = r.RecoveryFlow;
                if (write.Has("passwordless_flow")) stage.PasswordlessFlowId = r.PasswordlessFlow;
                if (write.Has("show_source_labels")) stage.ShowSourceLabels = r.ShowSourceLabels;
                if (write.Has("pretend_user_exists")) stage.PretendUserExists = r.PretendUserExists;
                if (write.Has("enable_remember_me")) stage.EnableRememberMe = r.EnableRememberMe;
                return Task.CompletedTask;
            },
        }.Map(app);
        return app;
    }
}
