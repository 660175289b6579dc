using System.Reflection;
using System.Text.RegularExpressions;
using Warden.Brands;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Policies;
using Warden.Policies.PendingUser;
using Warden.Stages.Deny;
using Warden.Stages.Identification;
using Warden.Stages.Password;
using Warden.Stages.Prompt;
using Warden.Stages.UserLogin;
using Warden.Stages.UserLogout;

namespace Warden.Blueprints;

/// <summary>How a blueprint attribute is read and stored.</summary>
public enum BlueprintFieldKind
{
    String,
    Bool,
    Int,
    StringList,

    /// <summary>A foreign key given as the referenced object's primary key (a <c>!KeyOf</c> or <c>!Find</c>, usually).</summary>
    Reference,

    /// <summary>A many-to-many list of primary keys; applying it replaces the whole set.</summary>
    ReferenceList,

    /// <summary>A policy binding's target: a flow or a flow stage binding.</summary>
    PolicyTarget,
}

/// <summary>
/// One attribute of a model as authentik's serializer names it. <paramref name="Property"/> is the entity property
/// that holds it (the key property for a reference, the collection for a reference list).
/// </summary>
public sealed record BlueprintField(
    string Name,
    BlueprintFieldKind Kind,
    string Property,
    string[]? Choices = null,
    Type? Refers = null,
    bool Required = false,
    bool Nullable = false,
    string? Pattern = null,
    bool AllowBlank = true);

/// <summary>A model blueprints can create, e.g. <c>authentik_flows.flow</c>, with the attributes Warden stores.</summary>
public sealed record BlueprintModel(string Name, Type Entity, IReadOnlyList<BlueprintField> Fields)
{
    public BlueprintField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    public PropertyInfo Property(BlueprintField field) =>
        Entity.GetProperty(field.Property) ?? throw new InvalidOperationException($"{Entity.Name} has no property {field.Property}.");

    /// <summary>Stage types share one table of names: a name is unique across all of them.</summary>
    public bool IsStage => typeof(Stage).IsAssignableFrom(Entity);

    public bool IsPolicy => typeof(Policy).IsAssignableFrom(Entity);
}

/// <summary>The models Warden's blueprints support, with the attribute names, choices and rules of authentik's serializers.</summary>
public static class BlueprintModels
{
    private static readonly string[] Designations = ["authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery", "stage_configuration"];
    private static readonly string[] Authentications = ["none", "require_authenticated", "require_unauthenticated", "require_superuser", "require_redirect", "require_outpost", "require_token"];
    private static readonly string[] Layouts = ["stacked", "content_left", "content_right", "sidebar_left", "sidebar_right", "sidebar_left_frame_background", "sidebar_right_frame_background"];
    private static readonly string[] DeniedActions = ["message_continue", "message", "continue"];
    private static readonly string[] EngineModes = ["all", "any"];
    private static readonly string[] InvalidResponseActions = ["retry", "restart", "restart_with_context"];
    private static readonly string[] PromptTypes = ["text", "text_area", "text_read_only", "text_area_read_only", "username", "email", "password", "number", "checkbox", "radio-button-group", "dropdown", "date", "date-time", "file", "separator", "hidden", "static", "alert_info", "alert_warning", "alert_danger", "ak-locale"];
    private static readonly string[] UserFields = ["email", "username", "upn"];
    private static readonly string[] Backends = ["authentik.core.auth.InbuiltBackend", "authentik.core.auth.TokenBackend", "authentik.sources.ldap.auth.LDAPBackend", "authentik.sources.kerberos.auth.KerberosBackend"];
    private static readonly string[] NetworkBindings = ["no_binding", "bind_asn", "bind_asn_network", "bind_asn_network_ip"];
    private static readonly string[] GeoipBindings = ["no_binding", "bind_continent", "bind_continent_country", "bind_continent_country_city"];

    private static BlueprintField Name() => new("name", BlueprintFieldKind.String, "Name", Required: true, AllowBlank: false);

    private static BlueprintField FlowRef(string name, string property) => new(name, BlueprintFieldKind.Reference, property, Refers: typeof(Flow), Nullable: true);

    private static BlueprintField Choice(string name, string property, string[] choices, bool required = false) =>
        new(name, BlueprintFieldKind.String, property, choices, Required: required);

    public static IReadOnlyList<BlueprintModel> All { get; } =
    [
        new("authentik_flows.flow", typeof(Flow),
        [
            Name(),
            new("slug", BlueprintFieldKind.String, nameof(Flow.Slug), Required: true, AllowBlank: false, Pattern: "^[-a-zA-Z0-9_]+$"),
            new("title", BlueprintFieldKind.String, nameof(Flow.Title), Required: true, AllowBlank: false),
            Choice("designation", nameof(Flow.Designation), Designations, required: true),
            new("background", BlueprintFieldKind.String, nameof(Flow.Background)),
            Choice("policy_engine_mode", nameof(Flow.PolicyEngineMode), EngineModes),
            new("compatibility_mode", BlueprintFieldKind.Bool, nameof(Flow.CompatibilityMode)),
            Choice("layout", nameof(Flow.Layout), Layouts),
            Choice("denied_action", nameof(Flow.DeniedAction), DeniedActions),
            Choice("authentication", nameof(Flow.Authentication), Authentications),
        ]),
        new("authentik_flows.flowstagebinding", typeof(FlowStageBinding),
        [
            new("target", BlueprintFieldKind.Reference, nameof(FlowStageBinding.TargetId), Refers: typeof(Flow), Required: true),
            new("stage", BlueprintFieldKind.Reference, nameof(FlowStageBinding.StageId), Refers: typeof(Stage), Required: true),
            new("order", BlueprintFieldKind.Int, nameof(FlowStageBinding.Order), Required: true),
            new("evaluate_on_plan", BlueprintFieldKind.Bool, nameof(FlowStageBinding.EvaluateOnPlan)),
            new("re_evaluate_policies", BlueprintFieldKind.Bool, nameof(FlowStageBinding.ReEvaluatePolicies)),
            Choice("policy_engine_mode", nameof(FlowStageBinding.PolicyEngineMode), EngineModes),
            Choice("invalid_response_action", nameof(FlowStageBinding.InvalidResponseAction), InvalidResponseActions),
        ]),
        new("authentik_stages_prompt.prompt", typeof(Prompt),
        [
            Name(),
            new("field_key", BlueprintFieldKind.String, nameof(Prompt.FieldKey), Required: true, AllowBlank: false),
            new("label", BlueprintFieldKind.String, nameof(Prompt.Label), Required: true, AllowBlank: false),
            Choice("type", nameof(Prompt.Type), PromptTypes, required: true),
            new("required", BlueprintFieldKind.Bool, nameof(Prompt.Required)),
            new("placeholder", BlueprintFieldKind.String, nameof(Prompt.Placeholder)),
            new("initial_value", BlueprintFieldKind.String, nameof(Prompt.InitialValue)),
            new("order", BlueprintFieldKind.Int, nameof(Prompt.Order)),
            new("sub_text", BlueprintFieldKind.String, nameof(Prompt.SubText)),
            new("placeholder_expression", BlueprintFieldKind.Bool, nameof(Prompt.PlaceholderExpression)),
            new("initial_value_expression", BlueprintFieldKind.Bool, nameof(Prompt.InitialValueExpression)),
        ]),
        new("authentik_stages_prompt.promptstage", typeof(PromptStage),
        [
            Name(),
            new("fields", BlueprintFieldKind.ReferenceList, nameof(PromptStage.Fields), Refers: typeof(Prompt)),
            new("validation_policies", BlueprintFieldKind.ReferenceList, nameof(PromptStage.ValidationPolicies), Refers: typeof(Policy)),
        ]),
        new("authentik_stages_identification.identificationstage", typeof(IdentificationStage),
        [
            Name(),
            new("user_fields", BlueprintFieldKind.StringList, nameof(IdentificationStage.UserFields), UserFields),
            new("password_stage", BlueprintFieldKind.Reference, nameof(IdentificationStage.PasswordStageId), Refers: typeof(PasswordStage), Nullable: true),
            new("case_insensitive_matching", BlueprintFieldKind.Bool, nameof(IdentificationStage.CaseInsensitiveMatching)),
            new("show_matched_user", BlueprintFieldKind.Bool, nameof(IdentificationStage.ShowMatchedUser)),
            FlowRef("enrollment_flow", nameof(IdentificationStage.EnrollmentFlowId)),
            FlowRef("recovery_flow", nameof(IdentificationStage.RecoveryFlowId)),
            FlowRef("passwordless_flow", nameof(IdentificationStage.PasswordlessFlowId)),
            new("show_source_labels", BlueprintFieldKind.Bool, nameof(IdentificationStage.ShowSourceLabels)),
            new("pretend_user_exists", BlueprintFieldKind.Bool, nameof(IdentificationStage.PretendUserExists)),
            new("enable_remember_me", BlueprintFieldKind.Bool, nameof(IdentificationStage.EnableRememberMe)),
        ]),
        new("authentik_stages_password.passwordstage", typeof(PasswordStage),
        [
            Name(),
            new("backends", BlueprintFieldKind.StringList, nameof(PasswordStage.Backends), Backends),
            FlowRef("configure_flow", nameof(PasswordStage.ConfigureFlowId)),
            new("failed_attempts_before_cancel", BlueprintFieldKind.Int, nameof(PasswordStage.FailedAttemptsBeforeCancel)),
            new("allow_show_password", BlueprintFieldKind.Bool, nameof(PasswordStage.AllowShowPassword)),
        ]),
        new("authentik_stages_user_login.userloginstage", typeof(UserLoginStage),
        [
            Name(),
            new("session_duration", BlueprintFieldKind.String, nameof(UserLoginStage.SessionDuration), AllowBlank: false),
            new("terminate_other_sessions", BlueprintFieldKind.Bool, nameof(UserLoginStage.TerminateOtherSessions)),
            new("remember_me_offset", BlueprintFieldKind.String, nameof(UserLoginStage.RememberMeOffset), AllowBlank: false),
            Choice("network_binding", nameof(UserLoginStage.NetworkBinding), NetworkBindings),
            Choice("geoip_binding", nameof(UserLoginStage.GeoipBinding), GeoipBindings),
            new("remember_device", BlueprintFieldKind.String, nameof(UserLoginStage.RememberDevice), AllowBlank: false),
        ]),
        new("authentik_stages_user_logout.userlogoutstage", typeof(UserLogoutStage), [Name()]),
        new("authentik_stages_deny.denystage", typeof(DenyStage),
        [
            Name(),
            new("deny_message", BlueprintFieldKind.String, nameof(DenyStage.DenyMessage)),
        ]),
        new("authentik_stages_account_lockdown.accountlockdownstage", typeof(AccountLockdownStage),
        [
            Name(),
            new("deactivate_user", BlueprintFieldKind.Bool, nameof(AccountLockdownStage.DeactivateUser)),
            new("set_unusable_password", BlueprintFieldKind.Bool, nameof(AccountLockdownStage.SetUnusablePassword)),
            new("delete_sessions", BlueprintFieldKind.Bool, nameof(AccountLockdownStage.DeleteSessions)),
            new("revoke_tokens", BlueprintFieldKind.Bool, nameof(AccountLockdownStage.RevokeTokens)),
            FlowRef("self_service_completion_flow", nameof(AccountLockdownStage.SelfServiceCompletionFlowId)),
        ]),
        new("authentik_policies.policybinding", typeof(PolicyBinding),
        [
            new("policy", BlueprintFieldKind.Reference, nameof(PolicyBinding.PolicyId), Refers: typeof(Policy), Nullable: true),
            new("group", BlueprintFieldKind.Reference, nameof(PolicyBinding.GroupId), Refers: typeof(Core.Group), Nullable: true),
            new("user", BlueprintFieldKind.Reference, nameof(PolicyBinding.UserId), Refers: typeof(User), Nullable: true),
            new("target", BlueprintFieldKind.PolicyTarget, nameof(PolicyBinding.Target), Required: true),
            new("negate", BlueprintFieldKind.Bool, nameof(PolicyBinding.Negate)),
            new("enabled", BlueprintFieldKind.Bool, nameof(PolicyBinding.Enabled)),
            new("order", BlueprintFieldKind.Int, nameof(PolicyBinding.Order), Required: true),
            new("timeout", BlueprintFieldKind.Int, nameof(PolicyBinding.Timeout)),
            new("failure_result", BlueprintFieldKind.Bool, nameof(PolicyBinding.FailureResult)),
        ]),
        new("authentik_policies_pending_user.pendinguserisnotrequestuserpolicy", typeof(PendingUserIsNotRequestUserPolicy),
        [
            Name(),
            new("execution_logging", BlueprintFieldKind.Bool, nameof(Policy.ExecutionLogging)),
        ]),
        new("authentik_brands.brand", typeof(Brand),
        [
            new("domain", BlueprintFieldKind.String, nameof(Brand.Domain), Required: true, AllowBlank: false),
            new("default", BlueprintFieldKind.Bool, nameof(Brand.Default)),
            new("branding_title", BlueprintFieldKind.String, nameof(Brand.BrandingTitle), AllowBlank: false),
            FlowRef("flow_authentication", nameof(Brand.FlowAuthenticationId)),
            FlowRef("flow_invalidation", nameof(Brand.FlowInvalidationId)),
            FlowRef("flow_recovery", nameof(Brand.FlowRecoveryId)),
            FlowRef("flow_unenrollment", nameof(Brand.FlowUnenrollmentId)),
            FlowRef("flow_user_settings", nameof(Brand.FlowUserSettingsId)),
            FlowRef("flow_device_code", nameof(Brand.FlowDeviceCodeId)),
            FlowRef("flow_user_switch", nameof(Brand.FlowUserSwitchId)),
            FlowRef("flow_lockdown", nameof(Brand.FlowLockdownId)),
            FlowRef("flow_request", nameof(Brand.FlowRequestId)),
        ]),
    ];

    private static readonly Dictionary<string, BlueprintModel> ByName = All.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    public static BlueprintModel? Find(string name) => ByName.GetValueOrDefault(name);

    public static bool Matches(BlueprintField field, string value) =>
        field.Pattern is null || Regex.IsMatch(value, field.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
}
