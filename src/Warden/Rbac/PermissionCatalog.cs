namespace Warden.Rbac;

/// <summary>One permission as Django's <c>auth.Permission</c> describes it, with its model's content type.</summary>
public sealed record PermissionDefinition(int Id, string AppLabel, string Model, string Codename, string Name)
{
    /// <summary><c>app_label.codename</c>, the form the permission rule and role grants use.</summary>
    public string FullName => $"{AppLabel}.{Codename}";

    /// <summary><c>app_label.model</c>, the form of authentik's ModelEnum.</summary>
    public string ModelLabel => $"{AppLabel}.{Model}";

    public string AppLabelVerbose => PermissionCatalog.AppVerboseName(AppLabel);

    public string ModelVerbose => PermissionCatalog.ModelVerboseName(AppLabel, Model);
}

/// <summary>
/// The permissions of the models Warden implements, as authentik's Django models declare them: the four
/// default permissions (<c>Can add|change|delete|view {verbose name}</c>) then each model's own, in
/// declaration order. Ids are stable positions in this list (Django's ids depend on migration order).
/// </summary>
public static class PermissionCatalog
{
    private sealed record ModelEntry(string AppLabel, string Model, string VerboseName, bool DefaultPermissions, (string Codename, string Name)[] Custom);

    private static readonly Dictionary<string, string> Apps = new(StringComparer.Ordinal)
    {
        ["authentik_core"] = "authentik Core",
        ["authentik_brands"] = "authentik Brands",
        ["authentik_rbac"] = "authentik RBAC",
        ["authentik_flows"] = "authentik Flows",
        ["authentik_events"] = "authentik Events",
        ["authentik_enterprise"] = "authentik Enterprise",
        ["authentik_stages_identification"] = "authentik Stages.Identification",
        ["authentik_stages_password"] = "authentik Stages.Password",
        ["authentik_stages_user_login"] = "authentik Stages.User Login",
        ["authentik_stages_user_logout"] = "authentik Stages.User Logout",
        ["authentik_stages_prompt"] = "authentik Stages.Prompt",
        ["authentik_stages_deny"] = "authentik Stages.Deny",
        ["authentik_stages_account_lockdown"] = "authentik Enterprise.Stages.Account Lockdown",
    };

    private static readonly ModelEntry[] Models =
    [
        new("authentik_core", "user", "User", true,
        [
            ("reset_user_password", "Reset Password"),
            ("impersonate", "Can impersonate other users"),
            ("preview_user", "Can preview user data sent to providers"),
            ("view_user_applications", "View applications the user has access to"),
        ]),
        new("authentik_core", "group", "Group", true,
        [
            ("add_user_to_group", "Add user to group"),
            ("remove_user_from_group", "Remove user from group"),
            ("enable_group_superuser", "Enable superuser status"),
            ("disable_group_superuser", "Disable superuser status"),
        ]),
        new("authentik_core", "token", "Token", true,
        [
            ("view_token_key", "View token's key"),
            ("set_token_key", "Set a token's key"),
        ]),
        new("authentik_core", "authenticatedsession", "Authenticated Session", true, []),
        new("authentik_brands", "brand", "Brand", true, []),
        new("authentik_rbac", "role", "Role", true,
        [
            ("assign_role_permissions", "Can assign permissions to roles"),
            ("unassign_role_permissions", "Can unassign permissions from roles"),
        ]),
        new("authentik_rbac", "systempermission", "System permission", false,
        [
            ("view_system_info", "Can view system info"),
            ("access_admin_interface", "Can access admin interface"),
            ("view_system_settings", "Can view system settings"),
            ("edit_system_settings", "Can edit system settings"),
            ("view_media_files", "Can view media files"),
            ("manage_media_files", "Can manage media files"),
        ]),
        new("authentik_flows", "flow", "Flow", true,
        [
            ("export_flow", "Can export a Flow"),
            ("inspect_flow", "Can inspect a Flow's execution"),
            ("view_flow_cache", "View Flow's cache metrics"),
            ("clear_flow_cache", "Clear Flow's cache metrics"),
        ]),
        new("authentik_flows", "flowstagebinding", "Flow Stage Binding", true, []),
        new("authentik_flows", "stage", "stage", true, []),
        new("authentik_events", "event", "Event", true, []),
        new("authentik_enterprise", "license", "License", true, []),
        new("authentik_stages_identification", "identificationstage", "Identification Stage", true, []),
        new("authentik_stages_password", "passwordstage", "Password Stage", true, []),
        new("authentik_stages_user_login", "userloginstage", "User Login Stage", true, []),
        new("authentik_stages_user_logout", "userlogoutstage", "User Logout Stage", true, []),
        new("authentik_stages_prompt", "prompt", "Prompt", true, []),
        new("authentik_stages_prompt", "promptstage", "Prompt Stage", true, []),
        new("authentik_stages_deny", "denystage", "Deny Stage", true, []),
        new("authentik_stages_account_lockdown", "accountlockdownstage", "Account Lockdown Stage", true, []),
    ];

    /// <summary>Every permission, ordered by id.</summary>
    public static IReadOnlyList<PermissionDefinition> All { get; } = Build();

    private static readonly Dictionary<string, PermissionDefinition> ByFullName =
        All.ToDictionary(p => p.FullName, StringComparer.Ordinal);

    private static readonly Dictionary<int, PermissionDefinition> ById = All.ToDictionary(p => p.Id);

    private static List<PermissionDefinition> Build()
    {
        var list = new List<PermissionDefinition>();
        foreach (var model in Models)
        {
            if (model.DefaultPermissions)
            {
                foreach (var action in (string[])["add", "change", "delete", "view"])
                {
                    list.Add(new PermissionDefinition(list.Count + 1, model.AppLabel, model.Model,
                        $"{action}_{model.Model}", $"Can {action} {model.VerboseName}"));
                }
            }
            foreach (var (codename, name) in model.Custom)
            {
                list.Add(new PermissionDefinition(list.Count + 1, model.AppLabel, model.Model, codename, name));
            }
        }
        return list;
    }

    public static PermissionDefinition? Find(int id) => ById.GetValueOrDefault(id);

    /// <summary>Finds <c>app_label.codename</c>.</summary>
    public static PermissionDefinition? Find(string fullName) => ByFullName.GetValueOrDefault(fullName);

    /// <summary>Whether <c>app_label.model</c> names a model of the catalogue.</summary>
    public static bool HasModel(string modelLabel) => All.Any(p => p.ModelLabel == modelLabel);

    public static string AppVerboseName(string appLabel) => Apps.GetValueOrDefault(appLabel, appLabel);

    public static string ModelVerboseName(string appLabel, string model) =>
        Models.FirstOrDefault(m => m.AppLabel == appLabel && m.Model == model)?.VerboseName ?? $"{appLabel}.{model}";

    /// <summary>authentik's ModelEnum: every model whose objects can carry object permissions.</summary>
    public static readonly string[] ModelEnum =
    [
        "authentik_tenants.domain", "authentik_core.group", "authentik_core.user", "authentik_core.application",
        "authentik_core.applicationentitlement", "authentik_core.token", "authentik_core.objectattribute", "authentik_core.actor",
        "authentik_crypto.certificatekeypair", "authentik_endpoints.deviceuserbinding", "authentik_endpoints.deviceaccessgroup",
        "authentik_endpoints.endpointstage", "authentik_endpoints_connectors_agent.agentconnector",
        "authentik_endpoints_connectors_agent.agentdeviceuserbinding", "authentik_endpoints_connectors_agent.enrollmenttoken",
        "authentik_enterprise.license", "authentik_events.event", "authentik_events.notificationtransport",
        "authentik_events.notification", "authentik_events.notificationrule", "authentik_events.notificationwebhookmapping",
        "authentik_flows.flow", "authentik_flows.flowstagebinding", "authentik_outposts.dockerserviceconnection",
        "authentik_outposts.kubernetesserviceconnection", "authentik_outposts.outpost", "authentik_policies_dummy.dummypolicy",
        "authentik_policies_event_matcher.eventmatcherpolicy", "authentik_policies_expiry.passwordexpirypolicy",
        "authentik_policies_expression.expressionpolicy", "authentik_policies_geoip.geoippolicy",
        "authentik_policies_password.passwordpolicy", "authentik_policies_reputation.reputationpolicy",
        "authentik_policies.policybinding", "authentik_providers_ldap.ldapprovider", "authentik_providers_oauth2.scopemapping",
        "authentik_providers_oauth2.oauth2provider", "authentik_providers_oauth2.oauth2dynamicclientregistration",
        "authentik_providers_proxy.proxyprovider", "authentik_providers_rac.racprovider", "authentik_providers_rac.endpoint",
        "authentik_providers_rac.racpropertymapping", "authentik_providers_radius.radiusprovider",
        "authentik_providers_radius.radiusproviderpropertymapping", "authentik_providers_saml.samlprovider",
        "authentik_providers_saml.samlpropertymapping", "authentik_providers_scim.scimprovider",
        "authentik_providers_scim.scimmapping", "authentik_rbac.role", "authentik_rbac.initialpermissions",
        "authentik_sources_kerberos.kerberossource", "authentik_sources_kerberos.kerberossourcepropertymapping",
        "authentik_sources_kerberos.userkerberossourceconnection", "authentik_sources_kerberos.groupkerberossourceconnection",
        "authentik_sources_ldap.ldapsource", "authentik_sources_ldap.ldapsourcepropertymapping",
        "authentik_sources_ldap.userldapsourceconnection", "authentik_sources_ldap.groupldapsourceconnection",
        "authentik_sources_oauth.oauthsource", "authentik_sources_oauth.oauthsourcepropertymapping",
        "authentik_sources_oauth.useroauthsourceconnection", "authentik_sources_oauth.groupoauthsourceconnection",
        "authentik_sources_plex.plexsource", "authentik_sources_plex.plexsourcepropertymapping",
        "authentik_sources_plex.userplexsourceconnection", "authentik_sources_plex.groupplexsourceconnection",
        "authentik_sources_saml.samlsource", "authentik_sources_saml.samlsourcepropertymapping",
        "authentik_sources_saml.usersamlsourceconnection", "authentik_sources_saml.groupsamlsourceconnection",
        "authentik_sources_scim.scimsource", "authentik_sources_scim.scimsourcepropertymapping",
        "authentik_sources_telegram.telegramsource", "authentik_sources_telegram.telegramsourcepropertymapping",
        "authentik_sources_telegram.usertelegramsourceconnection", "authentik_sources_telegram.grouptelegramsourceconnection",
        "authentik_stages_authenticator_duo.authenticatorduostage", "authentik_stages_authenticator_duo.duodevice",
        "authentik_stages_authenticator_email.authenticatoremailstage", "authentik_stages_authenticator_email.emaildevice",
        "authentik_stages_authenticator_sms.authenticatorsmsstage", "authentik_stages_authenticator_sms.smsdevice",
        "authentik_stages_authenticator_static.authenticatorstaticstage", "authentik_stages_authenticator_static.staticdevice",
        "authentik_stages_authenticator_totp.authenticatortotpstage", "authentik_stages_authenticator_totp.totpdevice",
        "authentik_stages_authenticator_validate.authenticatorvalidatestage",
        "authentik_stages_authenticator_webauthn.authenticatorwebauthnstage", "authentik_stages_authenticator_webauthn.webauthndevice",
        "authentik_stages_captcha.captchastage", "authentik_stages_consent.consentstage", "authentik_stages_deny.denystage",
        "authentik_stages_dummy.dummystage", "authentik_stages_email.emailstage",
        "authentik_stages_identification.identificationstage", "authentik_stages_invitation.invitationstage",
        "authentik_stages_invitation.invitation", "authentik_stages_password.passwordstage", "authentik_stages_prompt.prompt",
        "authentik_stages_prompt.promptstage", "authentik_stages_redirect.redirectstage",
        "authentik_stages_user_delete.userdeletestage", "authentik_stages_user_login.userloginstage",
        "authentik_stages_user_logout.userlogoutstage", "authentik_stages_user_write.userwritestage",
        "authentik_tasks_schedules.schedule", "authentik_brands.brand", "authentik_blueprints.blueprintinstance",
        "authentik_agents.agent", "authentik_endpoints_connectors_fleet.fleetconnector",
        "authentik_endpoints_connectors_google_chrome.googlechromeconnector", "authentik_lifecycle.lifecyclerule",
        "authentik_lifecycle.lifecycleiteration", "authentik_lifecycle.review", "authentik_lifecycle.useroffboarding",
        "authentik_policies_unique_password.uniquepasswordpolicy",
        "authentik_providers_google_workspace.googleworkspaceprovider",
        "authentik_providers_google_workspace.googleworkspaceprovidermapping",
        "authentik_providers_microsoft_entra.microsoftentraprovider",
        "authentik_providers_microsoft_entra.microsoftentraprovidermapping", "authentik_providers_ssf.ssfprovider",
        "authentik_providers_ws_federation.wsfederationprovider", "authentik_reports.dataexport",
        "authentik_requests.requestrulechildbinding", "authentik_requests.requestrulebinding", "authentik_requests.requestrule",
        "authentik_requests.grantrequest", "authentik_stages_account_lockdown.accountlockdownstage",
        "authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage", "authentik_stages_mtls.mutualtlsstage",
        "authentik_stages_source.sourcestage",
    ];
}
