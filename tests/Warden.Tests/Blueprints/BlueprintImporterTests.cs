using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Blueprints;
using Warden.Brands;
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
using Warden.Tests.Infrastructure;
using static Warden.Tests.Blueprints.BlueprintTestKit;

namespace Warden.Tests.Blueprints;

/// <summary>The importer: every supported model, identifiers and states, tags, idempotency, and all-or-nothing.</summary>
public sealed class BlueprintImporterTests
{
    /// <summary>One object of every supported model, referencing each other by !KeyOf and !Find.</summary>
    private const string EveryModel = """
        version: 1
        metadata:
          name: every model
        context:
          deny_text: Go away
        entries:
        - model: authentik_flows.flow
          id: flow
          identifiers: {slug: bp-flow}
          attrs: {name: BP flow, title: BP title, designation: authentication, authentication: require_unauthenticated,
                  policy_engine_mode: all, compatibility_mode: true, layout: content_left, denied_action: continue, background: /bg.png}
        - model: authentik_flows.flow
          id: other-flow
          identifiers: {slug: bp-other}
          attrs: {name: Other, title: Other, designation: recovery}
        - model: authentik_stages_password.passwordstage
          id: password
          identifiers: {name: bp-password}
          attrs:
            backends: [authentik.core.auth.InbuiltBackend, authentik.core.auth.TokenBackend]
            configure_flow: !Find [authentik_flows.flow, [slug, bp-other]]
            failed_attempts_before_cancel: 3
            allow_show_password: true
        - model: authentik_stages_identification.identificationstage
          id: identification
          identifiers: {name: bp-identification}
          attrs:
            user_fields: [username]
            password_stage: !KeyOf password
            case_insensitive_matching: false
            show_matched_user: false
            recovery_flow: !KeyOf other-flow
            enrollment_flow: !Find [authentik_flows.flow, [slug, does-not-exist]]
            pretend_user_exists: false
            enable_remember_me: true
        - model: authentik_stages_user_login.userloginstage
          id: login
          identifiers: {name: bp-login}
          attrs: {session_duration: hours=8, terminate_other_sessions: true, remember_me_offset: days=7, network_binding: bind_asn, geoip_binding: bind_continent, remember_device: days=3}
        - model: authentik_stages_user_logout.userlogoutstage
          id: logout
          identifiers: {name: bp-logout}
        - model: authentik_stages_deny.denystage
          id: deny
          identifiers: {name: bp-deny}
          attrs: {deny_message: !Context deny_text}
        - model: authentik_stages_prompt.prompt
          id: field
          identifiers: {name: bp-field}
          attrs: {field_key: reason, label: Reason, type: text_area, required: false, placeholder: Why?, initial_value: x, order: 7, sub_text: sub, placeholder_expression: true, initial_value_expression: false}
        - model: authentik_policies_pending_user.pendinguserisnotrequestuserpolicy
          id: policy
          identifiers: {name: bp-policy}
          attrs: {execution_logging: true}
        - model: authentik_stages_prompt.promptstage
          id: prompt
          identifiers: {name: bp-prompt}
          attrs: {fields: [!KeyOf field], validation_policies: [!KeyOf policy]}
        - model: authentik_stages_account_lockdown.accountlockdownstage
          id: lockdown
          identifiers: {name: bp-lockdown}
          attrs: {deactivate_user: false, set_unusable_password: false, delete_sessions: true, revoke_tokens: false, self_service_completion_flow: !KeyOf other-flow}
        - model: authentik_flows.flowstagebinding
          id: binding
          identifiers: {target: !KeyOf flow, stage: !KeyOf identification, order: 10}
          attrs: {evaluate_on_plan: true, re_evaluate_policies: false, policy_engine_mode: all, invalid_response_action: restart}
        - model: authentik_policies.policybinding
          identifiers: {target: !KeyOf binding, policy: !KeyOf policy}
          attrs: {order: 5, negate: true, enabled: false, timeout: 9, failure_result: true}
        - model: authentik_policies.policybinding
          identifiers: {target: !KeyOf flow, policy: !KeyOf policy}
          attrs: {order: 1}
        - model: authentik_brands.brand
          identifiers: {domain: bp.example}
          attrs: {branding_title: BP, flow_authentication: !KeyOf flow, flow_lockdown: !KeyOf other-flow, flow_invalidation: null}
        """;

    [Theory, Providers]
    public async Task EverySupportedModelIsCreatedWithItsAttributes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var before = await app.CountsAsync();

        var result = await app.ApplyAsync(EveryModel);

        Assert.Equal(new BlueprintResult(Created: 15, Updated: 0, Deleted: 0, Unchanged: 0, Skipped: 0), result);
        Assert.Equal(before with
        {
            Flows = before.Flows + 2, Stages = before.Stages + 7, Bindings = before.Bindings + 1, Prompts = before.Prompts + 1,
            Policies = before.Policies + 1, PolicyBindings = before.PolicyBindings + 2, Brands = before.Brands + 1,
        }, await app.CountsAsync());
        await app.WithDbAsync(async db =>
        {
            var flow = await db.Set<Flow>().SingleAsync(f => f.Slug == "bp-flow", Ct);
            var other = await db.Set<Flow>().SingleAsync(f => f.Slug == "bp-other", Ct);
            Assert.Equal(("BP flow", "BP title", "authentication", "require_unauthenticated", "all", true, "content_left", "continue", "/bg.png"),
                (flow.Name, flow.Title, flow.Designation, flow.Authentication, flow.PolicyEngineMode, flow.CompatibilityMode, flow.Layout, flow.DeniedAction, flow.Background));
            Assert.Equal(("Other", "recovery", "none"), (other.Name, other.Designation, other.Authentication));

            var password = await db.Set<PasswordStage>().SingleAsync(s => s.Name == "bp-password", Ct);
            Assert.Equal(["authentik.core.auth.InbuiltBackend", "authentik.core.auth.TokenBackend"], password.Backends);
            Assert.Equal((other.Id, 3, true), (password.ConfigureFlowId, password.FailedAttemptsBeforeCancel, password.AllowShowPassword));

            var identification = await db.Set<IdentificationStage>().SingleAsync(s => s.Name == "bp-identification", Ct);
            Assert.Equal(["username"], identification.UserFields);
            Assert.Equal((password.Id, false, false, other.Id, (Guid?)null, false, true),
                (identification.PasswordStageId, identification.CaseInsensitiveMatching, identification.ShowMatchedUser,
                 identification.RecoveryFlowId, identification.EnrollmentFlowId, identification.PretendUserExists, identification.EnableRememberMe));

            var login = await db.Set<UserLoginStage>().SingleAsync(s => s.Name == "bp-login", Ct);
            Assert.Equal(("hours=8", true, "days=7", "bind_asn", "bind_continent", "days=3"),
                (login.SessionDuration, login.TerminateOtherSessions, login.RememberMeOffset, login.NetworkBinding, login.GeoipBinding, login.RememberDevice));
            Assert.True(await db.Set<UserLogoutStage>().AnyAsync(s => s.Name == "bp-logout", Ct));
            Assert.Equal("Go away", (await db.Set<DenyStage>().SingleAsync(s => s.Name == "bp-deny", Ct)).DenyMessage);

            var field = await db.Set<Prompt>().SingleAsync(p => p.Name == "bp-field", Ct);
            Assert.Equal(("reason", "Reason", "text_area", false, "Why?", "x", 7, "sub", true, false),
                (field.FieldKey, field.Label, field.Type, field.Required, field.Placeholder, field.InitialValue, field.Order, field.SubText,
                 field.PlaceholderExpression, field.InitialValueExpression));
            var policy = await db.Set<PendingUserIsNotRequestUserPolicy>().SingleAsync(p => p.Name == "bp-policy", Ct);
            Assert.True(policy.ExecutionLogging);
            var prompt = await db.Set<PromptStage>().Include(s => s.Fields).Include(s => s.ValidationPolicies).SingleAsync(s => s.Name == "bp-prompt", Ct);
            Assert.Equal([field.Id], prompt.Fields.Select(f => f.Id));
            Assert.Equal([policy.Id], prompt.ValidationPolicies.Select(p => p.Id));

            var lockdown = await db.Set<AccountLockdownStage>().SingleAsync(s => s.Name == "bp-lockdown", Ct);
            Assert.Equal(new LockdownActions(false, false, true, false), lockdown.Actions);
            Assert.Equal(other.Id, lockdown.SelfServiceCompletionFlowId);

            var binding = await db.Set<FlowStageBinding>().SingleAsync(b => b.TargetId == flow.Id, Ct);
            Assert.Equal((identification.Id, 10, true, false, "all", "restart"),
                (binding.StageId, binding.Order, binding.EvaluateOnPlan, binding.ReEvaluatePolicies, binding.PolicyEngineMode, binding.InvalidResponseAction));
            var onBinding = await db.Set<PolicyBinding>().SingleAsync(b => b.TargetBindingId == binding.Id, Ct);
            Assert.Equal((policy.Id, (Guid?)null, 5, true, false, 9, true),
                (onBinding.PolicyId, onBinding.TargetFlowId, onBinding.Order, onBinding.Negate, onBinding.Enabled, onBinding.Timeout, onBinding.FailureResult));
            var onFlow = await db.Set<PolicyBinding>().SingleAsync(b => b.TargetFlowId == flow.Id, Ct);
            Assert.Equal((policy.Id, 1, true), (onFlow.PolicyId, onFlow.Order, onFlow.Enabled));

            var brand = await db.Brands.SingleAsync(b => b.Domain == "bp.example", Ct);
            Assert.Equal(("BP", flow.Id, other.Id, (Guid?)null, false), (brand.BrandingTitle, brand.FlowAuthenticationId, brand.FlowLockdownId, brand.FlowInvalidationId, brand.Default));
        });
    }

    [Theory, Providers]
    public async Task ApplyingTheSameBlueprintAgainChangesNothing(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.ApplyAsync(EveryModel);
        var counts = await app.CountsAsync();
        var flowId = (await app.FlowAsync("bp-flow"))!.Id;

        var again = await app.ApplyAsync(EveryModel);

        Assert.Equal(new BlueprintResult(Created: 0, Updated: 0, Deleted: 0, Unchanged: 15, Skipped: 0), again);
        Assert.Equal(counts, await app.CountsAsync());
        Assert.Equal(flowId, (await app.FlowAsync("bp-flow"))!.Id);
    }

    [Theory, Providers]
    public async Task IdentifiersFindTheObjectAndAttributesUpdateIt(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.ApplyAsync(EveryModel);
        var counts = await app.CountsAsync();

        var result = await app.ApplyAsync("""
            version: 1
            entries:
            - model: authentik_flows.flow
              identifiers: {slug: bp-flow}
              attrs: {title: Changed, designation: enrollment}
            - model: authentik_stages_prompt.prompt
              id: second
              identifiers: {name: bp-field-2}
              attrs: {field_key: other, label: Other, type: text}
            - model: authentik_stages_prompt.promptstage
              identifiers: {name: bp-prompt}
              attrs:
                fields: [!KeyOf second, !Find [authentik_stages_prompt.prompt, [name, bp-field]]]
                validation_policies: []
            """);

        Assert.Equal(new BlueprintResult(Created: 1, Updated: 2, Deleted: 0, Unchanged: 0, Skipped: 0), result);
        Assert.Equal(counts with { Prompts = counts.Prompts + 1 }, await app.CountsAsync());
        var flow = (await app.FlowAsync("bp-flow"))!;
        Assert.Equal(("BP flow", "Changed", "enrollment"), (flow.Name, flow.Title, flow.Designation));
        await app.WithDbAsync(async db =>
        {
            var prompt = await db.Set<PromptStage>().Include(s => s.Fields).Include(s => s.ValidationPolicies).SingleAsync(s => s.Name == "bp-prompt", Ct);
            Assert.Equal(["bp-field", "bp-field-2"], prompt.Fields.Select(f => f.Name).Order());
            Assert.Empty(prompt.ValidationPolicies);
        });
    }

    [Theory, Providers]
    public async Task StateCreatedLeavesAnExistingObjectAloneAndAbsentDeletesIt(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.ApplyAsync(EveryModel);

        var result = await app.ApplyAsync("""
            version: 1
            entries:
            - model: authentik_flows.flow
              state: created
              id: flow
              identifiers: {slug: bp-flow}
              attrs: {title: Not applied}
            - model: authentik_stages_deny.denystage
              state: created
              identifiers: {name: bp-deny-new}
              attrs: {deny_message: new}
            - model: authentik_stages_user_logout.userlogoutstage
              state: absent
              identifiers: {name: bp-logout}
            - model: authentik_stages_user_logout.userlogoutstage
              state: absent
              identifiers: {name: never-existed}
            - model: authentik_brands.brand
              identifiers: {domain: bp.example}
              attrs: {flow_request: !KeyOf flow}
            """);

        Assert.Equal(new BlueprintResult(Created: 1, Updated: 1, Deleted: 1, Unchanged: 2, Skipped: 0), result);
        var flow = (await app.FlowAsync("bp-flow"))!;
        Assert.Equal("BP title", flow.Title);
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Set<UserLogoutStage>().AnyAsync(s => s.Name == "bp-logout", Ct));
            Assert.Equal("new", (await db.Set<DenyStage>().SingleAsync(s => s.Name == "bp-deny-new", Ct)).DenyMessage);
            // !KeyOf names an object found (not created) by a "created" entry too.
            Assert.Equal(flow.Id, (await db.Brands.SingleAsync(b => b.Domain == "bp.example", Ct)).FlowRequestId);
        });
    }

    [Theory, Providers]
    public async Task ConditionsIfAndConditionTagsDecideWhatIsApplied(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);

        var result = await app.ApplyAsync("""
            version: 1
            context:
              enabled: true
              name: ctx
            entries:
            - model: authentik_stages_deny.denystage
              conditions: [!Context enabled, !Condition [OR, false, 1]]
              identifiers: {name: !Format ["%s-on", !Context name]}
              attrs: {deny_message: !If [!Context enabled, yes-text, no-text]}
            - model: authentik_stages_deny.denystage
              conditions: [!Condition [AND, !Context enabled, !Context [missing, false]]]
              identifiers: {name: skipped}
            - model: authentik_stages_deny.denystage
              conditions: [!Condition [NOR, !Context [missing, ""]]]
              identifiers: {name: nor}
              attrs: {deny_message: !If [!Context [missing, 0], a, b]}
            """, new JsonObject { ["name"] = "override" });

        Assert.Equal(new BlueprintResult(Created: 2, Updated: 0, Deleted: 0, Unchanged: 0, Skipped: 1), result);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal("yes-text", (await db.Set<DenyStage>().SingleAsync(s => s.Name == "override-on", Ct)).DenyMessage);
            Assert.Equal("b", (await db.Set<DenyStage>().SingleAsync(s => s.Name == "nor", Ct)).DenyMessage);
            Assert.False(await db.Set<DenyStage>().AnyAsync(s => s.Name == "skipped", Ct));
        });
    }

    public static TheoryData<string, string> Broken => new()
    {
        { "unknown model", """
            - model: authentik_core.user
              identifiers: {username: x}
            """ },
        { "unknown attribute", """
            - model: authentik_stages_deny.denystage
              identifiers: {name: x}
              attrs: {deny_message: a, self_service_message: b}
            """ },
        { "bad choice", """
            - model: authentik_flows.flow
              identifiers: {slug: bad}
              attrs: {name: n, title: t, designation: nonsense}
            """ },
        { "bad type", """
            - model: authentik_flows.flowstagebinding
              identifiers: {target: !KeyOf flow, stage: !KeyOf stage, order: ten}
            """ },
        { "missing KeyOf", """
            - model: authentik_flows.flowstagebinding
              identifiers: {target: !KeyOf flow, stage: !KeyOf nowhere, order: 1}
            """ },
        { "reference to nothing", """
            - model: authentik_stages_account_lockdown.accountlockdownstage
              identifiers: {name: x}
              attrs: {self_service_completion_flow: 5a4ad1b6-6c38-4b8b-bb61-1bd35a0c1a11}
            """ },
        { "required attribute missing", """
            - model: authentik_flows.flow
              identifiers: {slug: no-title}
              attrs: {name: n, designation: authentication}
            """ },
        { "stage name taken by another type", """
            - model: authentik_stages_user_logout.userlogoutstage
              identifiers: {name: bp-first-stage}
            """ },
        { "bad slug", """
            - model: authentik_flows.flow
              identifiers: {slug: "not a slug"}
              attrs: {name: n, title: t, designation: authentication}
            """ },
        { "policy binding with two subjects", """
            - model: authentik_policies.policybinding
              identifiers: {target: !KeyOf flow, order: 0}
              attrs: {policy: null, group: null}
            """ },
        { "unknown entry key", """
            - model: authentik_stages_deny.denystage
              identifiers: {name: x}
              permissions: []
            """ },
        { "null for a required field", """
            - model: authentik_stages_prompt.prompt
              identifiers: {name: nullable}
              attrs: {field_key: null, label: l, type: text}
            """ },
    };

    /// <summary>A valid flow and stage first, then the broken entry: nothing at all is applied.</summary>
    [Theory, MemberData(nameof(Broken))]
    public async Task ABadEntryIsAClearErrorAndNothingIsApplied(string what, string entry)
    {
        await using var app = await TestApp.StartAsync(TestDatabase.Sqlite);
        var before = await app.CountsAsync();
        var yaml = """
            version: 1
            entries:
            - model: authentik_flows.flow
              id: flow
              identifiers: {slug: bp-first}
              attrs: {name: First, title: First, designation: authentication}
            - model: authentik_stages_deny.denystage
              id: stage
              identifiers: {name: bp-first-stage}

            """ + entry;

        var error = await Assert.ThrowsAsync<BlueprintException>(() => app.ApplyAsync(yaml));

        Assert.StartsWith("Entry 3 (", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await app.CountsAsync());
        Assert.Null(await app.FlowAsync("bp-first"));
        _ = what;
    }

    [Theory, Providers]
    public async Task AFailureAfterEarlierEntriesRollsThemBackOnEitherDatabase(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var before = await app.CountsAsync();

        var error = await Assert.ThrowsAsync<BlueprintException>(() => app.ApplyAsync("""
            version: 1
            entries:
            - model: authentik_flows.flow
              id: flow
              identifiers: {slug: bp-rollback}
              attrs: {name: n, title: t, designation: authentication}
            - model: authentik_stages_deny.denystage
              id: stage
              identifiers: {name: bp-rollback-stage}
            - model: authentik_flows.flowstagebinding
              identifiers: {target: !KeyOf flow, stage: !KeyOf stage, order: 0}
            - model: authentik_stages_prompt.prompt
              identifiers: {name: p}
              attrs: {field_key: k, label: l, type: not-a-type}
            """));

        Assert.Equal("Entry 4 (authentik_stages_prompt.prompt): \"type\": \"not-a-type\" is not a valid choice (one of "
            + "text, text_area, text_read_only, text_area_read_only, username, email, password, number, checkbox, radio-button-group, "
            + "dropdown, date, date-time, file, separator, hidden, static, alert_info, alert_warning, alert_danger, ak-locale).", error.Message);
        Assert.Equal(before, await app.CountsAsync());
    }

    [Theory]
    [InlineData("version: 2\nentries: []", "Unsupported blueprint version: only \"version: 1\" is supported.")]
    [InlineData("version: 1\nentries:\n- model: authentik_flows.flow\n  identifiers: {slug: x}\n  attrs: {name: !Env X}", "Line 5: unknown tag !Env (supported: !KeyOf, !Find, !Context, !If, !Condition, !Format).")]
    [InlineData("version: 1\nentries: [", "Invalid YAML at line 3")]
    [InlineData("- just a list", "A blueprint must be one YAML document holding a mapping.")]
    [InlineData("version: 1\nentries:\n- model: authentik_flows.flow", "Entry 1 (authentik_flows.flow): \"identifiers\" must be a non-empty mapping.")]
    [InlineData("version: 1\nentries:\n- model: authentik_flows.flow\n  state: gone\n  identifiers: {slug: x}", "Entry 1 (authentik_flows.flow): \"state\" must be one of present, created, absent.")]
    public void UnreadableBlueprintsAreRefusedBeforeAnythingRuns(string yaml, string message)
    {
        var error = Assert.Throws<BlueprintException>(() => Blueprint.Parse(yaml));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetadataLabelsAndGroupedEntriesAreRead()
    {
        var blueprint = Blueprint.Parse("""
            version: 1
            metadata:
              name: Grouped
              labels:
                blueprints.goauthentik.io/instantiate: "false"
            context:
              a: 1
            entries:
              first:
              - model: authentik_flows.flow
                identifiers: {slug: one}
              second:
              - model: authentik_flows.flow
                identifiers: {slug: two}
                id: two
            """);

        Assert.Equal("Grouped", blueprint.Name);
        Assert.False(blueprint.AutoInstantiate);
        Assert.Equal(1, blueprint.Context["a"]!.GetValue<long>());
        Assert.Equal([(0, (string?)null), (1, "two")], blueprint.Entries.Select(e => (e.Index, e.Id)));
        Assert.True(Blueprint.Parse("version: 1\nentries: []").AutoInstantiate);
    }
}
