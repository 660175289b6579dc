using System.Text.Json.Nodes;
using Warden.Api;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Api.AccessControlTests.Outcome;

namespace Warden.Tests.Api;

/// <summary>
/// Access control over the whole route table: every method of every endpoint the app maps under /api/v3/ is called
/// anonymously and as an active user who holds no permission and is in no superuser group, with route values that
/// name real objects of another user. Each answer must be the one authentik gives, as classified in
/// <see cref="Expected"/>; an endpoint missing from that table fails the test, so no endpoint ships unclassified.
/// </summary>
public sealed class AccessControlTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What one caller gets: a status and, when given, exactly this body.</summary>
    public sealed record Outcome(int Status, string? Body, string Name)
    {
        /// <summary>DRF's answer to a caller without credentials (authentik answers 403, not 401).</summary>
        public static readonly Outcome NotAuthenticated =
            new(403, """{"detail": "Authentication credentials were not provided."}""", "NotAuthenticated");

        /// <summary>authentik's ObjectPermissions / ObjectFilter refusal.</summary>
        public static readonly Outcome Denied = new(403, """{"detail": "You do not have permission to perform this action."}""", "Denied");

        /// <summary>DRF's 404 for an object outside what the caller may see, worded as for one that does not exist.</summary>
        public static Outcome NotFound(string model) => new(404, $$"""{"detail": "No {{model}} matches the given query."}""", $"NotFound(\"{model}\")");

        /// <summary>
        /// Answered (any body), and a 2xx body shows none of the other user's objects: the caller's own rows, an
        /// empty or filtered list, or public data.
        /// </summary>
        public static Outcome Answers(int status) => new(status, null, $"Answers({status})");

        public override string ToString() => Name;
    }

    /// <summary>What authentik answers an anonymous caller and a permissionless user, and why when it is not a refusal.</summary>
    public sealed record Expect(Outcome Anonymous, Outcome Unprivileged, string Why = "");

    /// <summary>Refused anonymously (the usual case); <paramref name="unprivileged"/> is the permissionless user's answer.</summary>
    private static Expect Guarded(Outcome unprivileged, string why = "") => new(NotAuthenticated, unprivileged, why);

    /// <summary>Served to anonymous callers too; keep the reason, it is the reason the endpoint is exempt.</summary>
    private static Expect Public(Outcome anonymous, Outcome unprivileged, string why) => new(anonymous, unprivileged, why);

    private const string OwnRows = "owner-scoped model (owner_field = \"user\"): without the global view permission the caller sees its own rows only";
    private const string UsedBy = "authentik's used_by runs without filter backends: the object must exist, and it lists only what the caller may view";

    /// <summary>
    /// Every /api/v3/ operation, by authentik operationId. Route values name the target user's objects (see
    /// <see cref="RouteObjects"/>); writes send <c>{}</c>.
    /// </summary>
    private static readonly Dictionary<string, Expect> Expected = new(StringComparer.Ordinal)
    {
        // Public: authentik serves these to anyone.
        ["root_config_retrieve"] = Public(Answers(200), Answers(200), "the login page reads the public configuration before anyone is logged in"),
        ["schema_retrieve"] = Public(Answers(200), Answers(200), "authentik's SpectacularAPIView allows any caller; clients fetch the schema unauthenticated"),
        ["core_brands_current_retrieve"] = Public(Answers(200), Answers(200), "the flow interface styles itself with the request's brand before login"),

        // core/users: ObjectFilter refuses a caller that may view no user; create needs add_user.
        ["core_users_list"] = Guarded(Denied),
        ["core_users_create"] = Guarded(Denied),
        ["core_users_me_retrieve"] = Guarded(Answers(200), "every authenticated user may read itself"),
        ["core_users_paths_retrieve"] = Guarded(Denied),
        ["core_users_service_account_create"] = Guarded(Denied),
        ["core_users_retrieve"] = Guarded(Denied),
        ["core_users_update"] = Guarded(Denied),
        ["core_users_partial_update"] = Guarded(Denied),
        ["core_users_destroy"] = Guarded(Denied),
        ["core_users_used_by_list"] = Guarded(Answers(200), UsedBy),
        ["core_users_set_password_create"] = Guarded(Denied),
        ["core_users_set_password_hash_create"] = Guarded(Denied),

        // core/tokens: owned by a user; another user's token is outside the caller's rows.
        ["core_tokens_list"] = Guarded(Answers(200), OwnRows),
        ["core_tokens_create"] = Guarded(Answers(400), "rbac_allow_create_without_perm: any user may create tokens for itself, so {} reaches validation"),
        ["core_tokens_retrieve"] = Guarded(NotFound("Token"), OwnRows),
        ["core_tokens_update"] = Guarded(NotFound("Token"), OwnRows),
        ["core_tokens_partial_update"] = Guarded(NotFound("Token"), OwnRows),
        ["core_tokens_destroy"] = Guarded(NotFound("Token"), OwnRows),
        ["core_tokens_view_key_retrieve"] = Guarded(NotFound("Token"), OwnRows),
        ["core_tokens_set_key_create"] = Guarded(NotFound("Token"), OwnRows),
        ["core_tokens_used_by_list"] = Guarded(Answers(200), UsedBy),

        // core/authenticated_sessions: owned by a user, as tokens.
        ["core_authenticated_sessions_list"] = Guarded(Answers(200), OwnRows),
        ["core_authenticated_sessions_bulk_delete_destroy"] = Guarded(Denied),
        ["core_authenticated_sessions_retrieve"] = Guarded(NotFound("AuthenticatedSession"), OwnRows),
        ["core_authenticated_sessions_destroy"] = Guarded(NotFound("AuthenticatedSession"), OwnRows),
        ["core_authenticated_sessions_used_by_list"] = Guarded(Answers(200), UsedBy),

        // core/groups
        ["core_groups_list"] = Guarded(Denied),
        ["core_groups_create"] = Guarded(Denied),
        ["core_groups_retrieve"] = Guarded(Denied),
        ["core_groups_update"] = Guarded(Denied),
        ["core_groups_partial_update"] = Guarded(Denied),
        ["core_groups_destroy"] = Guarded(Denied),
        ["core_groups_add_user_create"] = Guarded(Denied),
        ["core_groups_remove_user_create"] = Guarded(Denied),
        ["core_groups_used_by_list"] = Guarded(Answers(200), UsedBy),

        // core/brands
        ["core_brands_list"] = Guarded(Denied),
        ["core_brands_create"] = Guarded(Denied),
        ["core_brands_retrieve"] = Guarded(Denied),
        ["core_brands_update"] = Guarded(Denied),
        ["core_brands_partial_update"] = Guarded(Denied),
        ["core_brands_destroy"] = Guarded(Denied),
        ["core_brands_used_by_list"] = Guarded(Answers(200), UsedBy),

        // rbac/roles
        ["rbac_roles_list"] = Guarded(Denied),
        ["rbac_roles_create"] = Guarded(Denied),
        ["rbac_roles_retrieve"] = Guarded(Denied),
        ["rbac_roles_update"] = Guarded(Denied),
        ["rbac_roles_partial_update"] = Guarded(Denied),
        ["rbac_roles_destroy"] = Guarded(Denied),
        ["rbac_roles_add_user_create"] = Guarded(Denied),
        ["rbac_roles_remove_user_create"] = Guarded(Denied),
        ["rbac_roles_used_by_list"] = Guarded(Answers(200), UsedBy),

        // rbac/permissions: the permission catalogue is readable by any authenticated user; the rows that grant
        // permissions are ak-guardian's own model, and assigning needs the role's assign permission.
        ["rbac_permissions_list"] = Guarded(Answers(200), "RBACPermissionViewSet: IsAuthenticated, the catalogue of permission names"),
        ["rbac_permissions_retrieve"] = Guarded(Answers(200), "RBACPermissionViewSet: IsAuthenticated, the catalogue of permission names"),
        ["rbac_permissions_roles_list"] = Guarded(Denied),
        ["rbac_permissions_assigned_by_roles_list"] = Guarded(Denied),
        ["rbac_permissions_assigned_by_roles_assign"] = Guarded(Denied),
        ["rbac_permissions_assigned_by_roles_unassign_partial_update"] = Guarded(Denied),

        // enterprise/license
        ["enterprise_license_list"] = Guarded(Denied),
        ["enterprise_license_create"] = Guarded(Denied),
        ["enterprise_license_install_id_retrieve"] = Guarded(Denied),
        ["enterprise_license_summary_retrieve"] = Guarded(Answers(200), "summary has permission_classes=[IsAuthenticated]: every interface shows licence warnings"),
        ["enterprise_license_forecast_retrieve"] = Guarded(Denied),
        ["enterprise_license_retrieve"] = Guarded(Denied),
        ["enterprise_license_update"] = Guarded(Denied),
        ["enterprise_license_partial_update"] = Guarded(Denied),
        ["enterprise_license_destroy"] = Guarded(Denied),
        ["enterprise_license_used_by_list"] = Guarded(Answers(200), UsedBy),
        // Flows, stages, events and the lockdown trigger.
        ["core_users_account_lockdown_create"] = Guarded(Answers(400), "the trigger needs only IsAuthenticated (locking yourself needs no permission); this database has no lockdown flow"), // POST /api/v3/core/users/account_lockdown/
        ["events_events_list"] = Guarded(Denied), // GET /api/v3/events/events/
        ["events_events_retrieve"] = Guarded(Denied), // GET /api/v3/events/events/{event_uuid}/
        ["flows_bindings_create"] = Guarded(Denied), // POST /api/v3/flows/bindings/
        ["flows_bindings_destroy"] = Guarded(Denied), // DELETE /api/v3/flows/bindings/{fsb_uuid}/
        ["flows_bindings_list"] = Guarded(Denied), // GET /api/v3/flows/bindings/
        ["flows_bindings_partial_update"] = Guarded(Denied), // PATCH /api/v3/flows/bindings/{fsb_uuid}/
        ["flows_bindings_retrieve"] = Guarded(Denied), // GET /api/v3/flows/bindings/{fsb_uuid}/
        ["flows_bindings_update"] = Guarded(Denied), // PUT /api/v3/flows/bindings/{fsb_uuid}/
        ["flows_bindings_used_by_list"] = Guarded(NotFound("FlowStageBinding"), "used_by looks the object up among those the caller may view"), // GET /api/v3/flows/bindings/{fsb_uuid}/used_by/
        ["flows_executor_get"] = Public(NotFound("Flow"), NotFound("Flow"), "the executor serves anonymous callers: logging in is a flow; the route value names no flow"), // GET /api/v3/flows/executor/{flow_slug}/
        ["flows_executor_solve"] = Public(NotFound("Flow"), NotFound("Flow"), "the executor serves anonymous callers: logging in is a flow; the route value names no flow"), // POST /api/v3/flows/executor/{flow_slug}/
        ["flows_instances_create"] = Guarded(Denied), // POST /api/v3/flows/instances/
        ["flows_instances_destroy"] = Guarded(Denied), // DELETE /api/v3/flows/instances/{slug}/
        ["flows_instances_list"] = Guarded(Denied), // GET /api/v3/flows/instances/
        ["flows_instances_partial_update"] = Guarded(Denied), // PATCH /api/v3/flows/instances/{slug}/
        ["flows_instances_retrieve"] = Guarded(Denied), // GET /api/v3/flows/instances/{slug}/
        ["flows_instances_update"] = Guarded(Denied), // PUT /api/v3/flows/instances/{slug}/
        ["flows_instances_used_by_list"] = Guarded(NotFound("Flow"), "used_by looks the object up among those the caller may view"), // GET /api/v3/flows/instances/{slug}/used_by/
        ["stages_account_lockdown_create"] = Guarded(Denied), // POST /api/v3/stages/account_lockdown/
        ["stages_account_lockdown_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/account_lockdown/{stage_uuid}/
        ["stages_account_lockdown_list"] = Guarded(Denied), // GET /api/v3/stages/account_lockdown/
        ["stages_account_lockdown_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/account_lockdown/{stage_uuid}/
        ["stages_account_lockdown_retrieve"] = Guarded(Denied), // GET /api/v3/stages/account_lockdown/{stage_uuid}/
        ["stages_account_lockdown_update"] = Guarded(Denied), // PUT /api/v3/stages/account_lockdown/{stage_uuid}/
        ["stages_account_lockdown_used_by_list"] = Guarded(NotFound("AccountLockdownStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/account_lockdown/{stage_uuid}/used_by/
        ["stages_all_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/all/{stage_uuid}/
        ["stages_all_list"] = Guarded(Denied), // GET /api/v3/stages/all/
        ["stages_all_retrieve"] = Guarded(Denied), // GET /api/v3/stages/all/{stage_uuid}/
        ["stages_all_types_list"] = Guarded(Answers(200), "types lists the stage types Warden has, not objects"), // GET /api/v3/stages/all/types/
        ["stages_all_used_by_list"] = Guarded(NotFound("Stage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/all/{stage_uuid}/used_by/
        ["stages_deny_create"] = Guarded(Denied), // POST /api/v3/stages/deny/
        ["stages_deny_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/deny/{stage_uuid}/
        ["stages_deny_list"] = Guarded(Denied), // GET /api/v3/stages/deny/
        ["stages_deny_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/deny/{stage_uuid}/
        ["stages_deny_retrieve"] = Guarded(Denied), // GET /api/v3/stages/deny/{stage_uuid}/
        ["stages_deny_update"] = Guarded(Denied), // PUT /api/v3/stages/deny/{stage_uuid}/
        ["stages_deny_used_by_list"] = Guarded(NotFound("DenyStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/deny/{stage_uuid}/used_by/
        ["stages_identification_create"] = Guarded(Denied), // POST /api/v3/stages/identification/
        ["stages_identification_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/identification/{stage_uuid}/
        ["stages_identification_list"] = Guarded(Denied), // GET /api/v3/stages/identification/
        ["stages_identification_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/identification/{stage_uuid}/
        ["stages_identification_retrieve"] = Guarded(Denied), // GET /api/v3/stages/identification/{stage_uuid}/
        ["stages_identification_update"] = Guarded(Denied), // PUT /api/v3/stages/identification/{stage_uuid}/
        ["stages_identification_used_by_list"] = Guarded(NotFound("IdentificationStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/identification/{stage_uuid}/used_by/
        ["stages_password_create"] = Guarded(Denied), // POST /api/v3/stages/password/
        ["stages_password_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/password/{stage_uuid}/
        ["stages_password_list"] = Guarded(Denied), // GET /api/v3/stages/password/
        ["stages_password_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/password/{stage_uuid}/
        ["stages_password_retrieve"] = Guarded(Denied), // GET /api/v3/stages/password/{stage_uuid}/
        ["stages_password_update"] = Guarded(Denied), // PUT /api/v3/stages/password/{stage_uuid}/
        ["stages_password_used_by_list"] = Guarded(NotFound("PasswordStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/password/{stage_uuid}/used_by/
        ["stages_prompt_prompts_create"] = Guarded(Denied), // POST /api/v3/stages/prompt/prompts/
        ["stages_prompt_prompts_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/prompt/prompts/{prompt_uuid}/
        ["stages_prompt_prompts_list"] = Guarded(Denied), // GET /api/v3/stages/prompt/prompts/
        ["stages_prompt_prompts_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/prompt/prompts/{prompt_uuid}/
        ["stages_prompt_prompts_retrieve"] = Guarded(Denied), // GET /api/v3/stages/prompt/prompts/{prompt_uuid}/
        ["stages_prompt_prompts_update"] = Guarded(Denied), // PUT /api/v3/stages/prompt/prompts/{prompt_uuid}/
        ["stages_prompt_prompts_used_by_list"] = Guarded(NotFound("Prompt"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/prompt/prompts/{prompt_uuid}/used_by/
        ["stages_prompt_stages_create"] = Guarded(Denied), // POST /api/v3/stages/prompt/stages/
        ["stages_prompt_stages_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/prompt/stages/{stage_uuid}/
        ["stages_prompt_stages_list"] = Guarded(Denied), // GET /api/v3/stages/prompt/stages/
        ["stages_prompt_stages_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/prompt/stages/{stage_uuid}/
        ["stages_prompt_stages_retrieve"] = Guarded(Denied), // GET /api/v3/stages/prompt/stages/{stage_uuid}/
        ["stages_prompt_stages_update"] = Guarded(Denied), // PUT /api/v3/stages/prompt/stages/{stage_uuid}/
        ["stages_prompt_stages_used_by_list"] = Guarded(NotFound("PromptStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/prompt/stages/{stage_uuid}/used_by/
        ["stages_user_login_create"] = Guarded(Denied), // POST /api/v3/stages/user_login/
        ["stages_user_login_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/user_login/{stage_uuid}/
        ["stages_user_login_list"] = Guarded(Denied), // GET /api/v3/stages/user_login/
        ["stages_user_login_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/user_login/{stage_uuid}/
        ["stages_user_login_retrieve"] = Guarded(Denied), // GET /api/v3/stages/user_login/{stage_uuid}/
        ["stages_user_login_update"] = Guarded(Denied), // PUT /api/v3/stages/user_login/{stage_uuid}/
        ["stages_user_login_used_by_list"] = Guarded(NotFound("UserLoginStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/user_login/{stage_uuid}/used_by/
        ["stages_user_logout_create"] = Guarded(Denied), // POST /api/v3/stages/user_logout/
        ["stages_user_logout_destroy"] = Guarded(Denied), // DELETE /api/v3/stages/user_logout/{stage_uuid}/
        ["stages_user_logout_list"] = Guarded(Denied), // GET /api/v3/stages/user_logout/
        ["stages_user_logout_partial_update"] = Guarded(Denied), // PATCH /api/v3/stages/user_logout/{stage_uuid}/
        ["stages_user_logout_retrieve"] = Guarded(Denied), // GET /api/v3/stages/user_logout/{stage_uuid}/
        ["stages_user_logout_update"] = Guarded(Denied), // PUT /api/v3/stages/user_logout/{stage_uuid}/
        ["stages_user_logout_used_by_list"] = Guarded(NotFound("UserLogoutStage"), "used_by looks the object up among those the caller may view"), // GET /api/v3/stages/user_logout/{stage_uuid}/used_by/
    };

    [Theory, Providers]
    public async Task EveryApiEndpointAnswersAnonymousAndPermissionlessCallersAsAuthentikDoes(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var objects = await RouteObjects.CreateAsync(app);
        var nobody = await app.CreateUserAsync("nobody-" + Guid.NewGuid().ToString("N")[..8]);
        var callers = new (string Name, HttpClient Client, Func<Expect, Outcome> Expected)[]
        {
            ("anonymous", app.Anonymous(), e => e.Anonymous),
            ("permissionless user", await app.AsTokenAsync(nobody), e => e.Unprivileged),
        };
        var routes = ApiRoute.All(app);
        Assert.NotEmpty(routes);
        var before = await DatabaseFingerprint.TakeAsync(app);

        var unclassified = new List<string>();
        var wrong = new List<string>();
        var calls = 0;
        foreach (var route in routes)
        {
            var path = route.Path(objects.Fill);
            var observed = new List<string>();
            foreach (var (name, client, expectedOf) in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
                if (route.IsWrite)
                {
                    request.Content = Json.Raw("{}");
                }
                using var response = await client.SendAsync(request, Ct);
                calls++;
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(Ct);
                observed.Add($"{name}: {status} {Shorten(text)}");
                if (!Expected.TryGetValue(route.Key, out var expect))
                {
                    continue;
                }
                if (Mismatch(expectedOf(expect), status, text, objects) is { } problem)
                {
                    wrong.Add($"{route} as {name} ({path}): expected {expectedOf(expect)}, {problem}");
                }
            }
            if (!Expected.ContainsKey(route.Key))
            {
                unclassified.Add($"    [\"{route.Key}\"] = Guarded(Denied),   // {route}  observed: {string.Join("; ", observed)}");
            }
        }
        var stale = Expected.Keys.Except(routes.Select(r => r.Key), StringComparer.Ordinal).ToList();
        var publicCount = routes.Count(r => Expected.TryGetValue(r.Key, out var e) && e.Anonymous != NotAuthenticated);
        var summary = $"access control ({provider}): {routes.Count} endpoints, {calls} requests, {publicCount} public, " +
            $"{unclassified.Count} unclassified, {wrong.Count} wrong answers";
        // To the console too, so that CI logs show the counts of passing runs.
        output.WriteLine(summary);
        TestReport.Line(summary);

        Assert.True(unclassified.Count == 0,
            $"{unclassified.Count} /api/v3/ endpoint(s) are not classified. Add each to {nameof(AccessControlTests)}.{nameof(Expected)} " +
            "(tests/Warden.Tests/Api/AccessControlTests.cs) with authentik's answer for an anonymous caller and for an active user " +
            "without permissions: Guarded(Denied) for a model viewset, Guarded(NotFound(\"Model\")) or Guarded(Answers(200), why) " +
            "for owner-scoped or filtered answers, Public(..., why) only where authentik serves anonymous callers. If a route value " +
            $"should name a real object, add a rule to {nameof(RouteObjects)}. Observed answers (check them against authentik before " +
            "copying):\n" + string.Join("\n", unclassified));
        Assert.True(stale.Count == 0, $"classified endpoints the app no longer maps; remove them from {nameof(Expected)}: {string.Join(", ", stale)}");
        Assert.True(wrong.Count == 0, "answers that differ from authentik's:\n" + string.Join("\n", wrong));
        var difference = before.Difference(await DatabaseFingerprint.TakeAsync(app));
        Assert.True(difference is null, "refused calls changed the database:\n" + difference);
    }

    private static string? Mismatch(Outcome expected, int status, string text, RouteObjects objects)
    {
        if (status != expected.Status)
        {
            return $"got {status}: {Shorten(text)}";
        }
        if (expected.Body is not null && !JsonNode.DeepEquals(JsonNode.Parse(expected.Body), Parse(text)))
        {
            return $"got body {Shorten(text)}";
        }
        if (status is >= 200 and < 300 && objects.Markers.FirstOrDefault(m => text.Contains(m, StringComparison.Ordinal)) is { } leaked)
        {
            return $"the answer shows another user's object ({leaked}): {Shorten(text)}";
        }
        return null;
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
