using Microsoft.EntityFrameworkCore;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Identification;
using Warden.Stages.Password;
using Warden.Stages.Prompt;
using Warden.Stages.UserLogin;
using Warden.Stages.UserLogout;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Stages;

/// <summary>The typed stage viewsets beyond deny (whose tests cover the shared StageApi): each type's own fields and checks.</summary>
public sealed class StageTypesApiTests
{
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Common(Stage stage, string component, string verbose, string meta, string flowSet = "") => $$"""
        "pk": "{{stage.Id}}", "name": "{{stage.Name}}", "component": "{{component}}", "verbose_name": "{{verbose}}",
        "verbose_name_plural": "{{verbose}}s", "meta_model_name": "{{meta}}", "flow_set": [{{flowSet}}]
        """;

    [Theory, Providers]
    public async Task UserLogoutStagesAreCreatedAndListed(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);

        var response = await client.PostAsync("/api/v3/stages/user_logout/", Json.Content(new { name = "bye" }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<UserLogoutStage>().SingleAsync());
        await response.AssertJsonAsync(201, "{" + Common(stage, "ak-stage-user-logout-form", "User Logout Stage", "authentik_stages_user_logout.userlogoutstage") + "}");
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelCreated)), admin,
            "authentik_stages_user_logout", "userlogoutstage", stage.Id.ToString("N"), "bye");
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync("/api/v3/stages/user_logout/", Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync("/api/v3/stages/user_logout/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UserLoginStagesValidateTheirDurations(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));

        await (await client.PostAsync("/api/v3/stages/user_login/", Json.Content(new { name = "l", session_duration = "hours", remember_me_offset = "weeks=x", network_binding = "nope" }), Ct))
            .AssertJsonAsync(400, """{"network_binding": ["\"nope\" is not a valid choice."]}""");
        await (await client.PostAsync("/api/v3/stages/user_login/", Json.Content(new { name = "l", session_duration = "hours", remember_me_offset = "weeks=x" }), Ct))
            .AssertJsonAsync(400, """
                {"session_duration": ["hours is not in the correct format of 'hours=3;minutes=1'."],
                 "remember_me_offset": ["weeks=x is not in the correct format of 'hours=3;minutes=1'."]}
                """);
        Assert.Equal(0, await app.StageCountAsync());

        var response = await client.PostAsync("/api/v3/stages/user_login/", Json.Content(new { name = "l", session_duration = "hours=8;minutes=1", terminate_other_sessions = true }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<UserLoginStage>().SingleAsync());
        await response.AssertJsonAsync(201, "{" + Common(stage, "ak-stage-user-login-form", "User Login Stage", "authentik_stages_user_login.userloginstage") + """
            , "session_duration": "hours=8;minutes=1", "terminate_other_sessions": true, "remember_me_offset": "seconds=0",
              "network_binding": "no_binding", "geoip_binding": "no_binding", "remember_device": "days=30"}
            """);
    }

    [Theory, Providers]
    public async Task PasswordStagesNeedBackendsAndAnExistingConfigureFlowAndListWhoUsesThem(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);
        var missing = Guid.NewGuid();

        await (await client.PostAsync("/api/v3/stages/password/", Json.Content(new { name = "p" }), Ct))
            .AssertJsonAsync(400, """{"backends": ["This field is required."]}""");
        await (await client.PostAsync("/api/v3/stages/password/", Json.Content(new { name = "p", backends = new[] { "x" }, configure_flow = missing }), Ct))
            .AssertJsonAsync(400, """{"backends": ["\"x\" is not a valid choice."]}""");
        await (await client.PostAsync("/api/v3/stages/password/", Json.Content(new { name = "p", backends = new[] { PasswordBackends.Inbuilt }, configure_flow = missing }), Ct))
            .AssertJsonAsync(400, $$"""{"configure_flow": ["Invalid pk \"{{missing}}\" - object does not exist."]}""");
        await (await client.PostAsync("/api/v3/stages/password/", Json.Content(new { name = "p", backends = new[] { PasswordBackends.Inbuilt }, failed_attempts_before_cancel = 3000000000 }), Ct))
            .AssertJsonAsync(400, """{"failed_attempts_before_cancel": ["Ensure this value is less than or equal to 2147483647."]}""");

        var response = await client.PostAsync("/api/v3/stages/password/", Json.Content(new { name = "p", backends = new[] { PasswordBackends.Inbuilt, PasswordBackends.Token }, failed_attempts_before_cancel = 3 }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<PasswordStage>().SingleAsync());
        await response.AssertJsonAsync(201, "{" + Common(stage, "ak-stage-password-form", "Password Stage", "authentik_stages_password.passwordstage") + """
            , "backends": ["authentik.core.auth.InbuiltBackend", "authentik.core.auth.TokenBackend"], "configure_flow": null,
              "failed_attempts_before_cancel": 3, "allow_show_password": false}
            """);
        var identification = await app.CreateStageAsync(new IdentificationStage { Name = "uses-it", PasswordStageId = stage.Id });
        await (await client.GetAsync($"/api/v3/stages/password/{stage.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_stages_identification", "model_name": "identificationstage", "pk": "{{identification.Id}}", "name": "Stage uses-it", "action": "set_null"}]
            """);

        // Deleting it leaves the identification stage, without a password stage.
        Assert.Equal(204, (int)(await client.DeleteAsync($"/api/v3/stages/password/{stage.Id}/", Ct)).StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.Set<IdentificationStage>().Select(s => s.PasswordStageId).SingleAsync()));
    }

    [Theory, Providers]
    public async Task IdentificationStagesNeedUserFieldsAndExistingReferences(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var missing = Guid.NewGuid();
        const string url = "/api/v3/stages/identification/";

        await (await client.PostAsync(url, Json.Content(new { name = "i" }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["When no user fields are selected, at least one source must be selected"]}""");
        await (await client.PostAsync(url, Json.Content(new { name = "i", user_fields = new[] { "phone" } }), Ct))
            .AssertJsonAsync(400, """{"user_fields": ["\"phone\" is not a valid choice."]}""");
        await (await client.PostAsync(url, Json.Content(new { name = "i", user_fields = new[] { "email" }, password_stage = missing, recovery_flow = missing, sources = new[] { missing } }), Ct))
            .AssertJsonAsync(400, $$"""
                {"password_stage": ["Invalid pk \"{{missing}}\" - object does not exist."],
                 "sources": ["Invalid pk \"{{missing}}\" - object does not exist."],
                 "recovery_flow": ["Invalid pk \"{{missing}}\" - object does not exist."]}
                """);
        Assert.Equal(0, await app.StageCountAsync());

        var password = await app.CreateStageAsync(new PasswordStage { Name = "pw" });
        var flow = await app.CreateFlowAsync();
        var response = await client.PostAsync(url, Json.Content(new { name = "i", user_fields = new[] { "username" }, password_stage = password.Id, recovery_flow = flow.Id, pretend_user_exists = false }), Ct);

        var stage = await app.WithDbAsync(db => db.Set<IdentificationStage>().SingleAsync());
        await response.AssertJsonAsync(201, "{" + Common(stage, "ak-stage-identification-form", "Identification Stage", "authentik_stages_identification.identificationstage") + $$"""
            , "user_fields": ["username"], "password_stage": "{{password.Id}}", "captcha_stage": null, "case_insensitive_matching": true,
              "show_matched_user": true, "enrollment_flow": null, "recovery_flow": "{{flow.Id}}", "passwordless_flow": null, "sources": [],
              "show_source_labels": false, "pretend_user_exists": false, "enable_remember_me": false, "webauthn_stage": null}
            """);
        // authentik validates only what a partial update sends: without user_fields it is refused.
        await (await client.PatchAsync($"{url}{stage.Id}/", Json.Content(new { pretend_user_exists = true }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["When no user fields are selected, at least one source must be selected"]}""");
        Assert.False(await app.WithDbAsync(db => db.Set<IdentificationStage>().Select(s => s.PretendUserExists).SingleAsync()));
    }

    [Theory, Providers]
    public async Task PromptsAndPromptStagesAreCreatedLinkedAndListed(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);

        await (await client.PostAsync("/api/v3/stages/prompt/prompts/", Json.Content(new { name = "p" }), Ct)).AssertJsonAsync(400, """
            {"field_key": ["This field is required."], "label": ["This field is required."], "type": ["This field is required."]}
            """);
        await (await client.PostAsync("/api/v3/stages/prompt/prompts/", Json.Content(new { name = "p", field_key = "k", label = "L", type = "rich" }), Ct))
            .AssertJsonAsync(400, """{"type": ["\"rich\" is not a valid choice."]}""");
        var created = await client.PostAsync("/api/v3/stages/prompt/prompts/", Json.Content(new { name = "reason", field_key = "lockdown_reason", label = "Reason", type = "text_area", order = 200 }), Ct);
        var prompt = await app.WithDbAsync(db => db.Set<Prompt>().SingleAsync());
        await created.AssertJsonAsync(201, $$"""
            {"pk": "{{prompt.Id}}", "name": "reason", "field_key": "lockdown_reason", "label": "Reason", "type": "text_area", "required": true,
             "placeholder": "", "initial_value": "", "order": 200, "prompt_stages_obj": [], "sub_text": "",
             "placeholder_expression": false, "initial_value_expression": false}
            """);
        await (await client.PostAsync("/api/v3/stages/prompt/prompts/", Json.Content(new { name = "reason", field_key = "x", label = "X", type = "text" }), Ct))
            .AssertJsonAsync(400, """{"name": ["Prompt with this name already exists."]}""");

        var missing = Guid.NewGuid();
        await (await client.PostAsync("/api/v3/stages/prompt/stages/", Json.Content(new { name = "ask", fields = new[] { prompt.Id, missing } }), Ct))
            .AssertJsonAsync(400, $$"""{"fields": ["Invalid pk \"{{missing}}\" - object does not exist."]}""");
        var stageResponse = await client.PostAsync("/api/v3/stages/prompt/stages/", Json.Content(new { name = "ask", fields = new[] { prompt.Id } }), Ct);
        var stage = await app.WithDbAsync(db => db.Set<PromptStage>().SingleAsync());
        var stageJson = "{" + Common(stage, "ak-stage-prompt-form", "Prompt Stage", "authentik_stages_prompt.promptstage") + $$""", "fields": ["{{prompt.Id}}"], "validation_policies": []}""";
        await stageResponse.AssertJsonAsync(201, stageJson);

        var list = await client.GetAsync("/api/v3/stages/prompt/prompts/?type=text_area", Ct);
        await list.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 1},
             "results": [{"pk": "{{prompt.Id}}", "name": "reason", "field_key": "lockdown_reason", "label": "Reason", "type": "text_area", "required": true,
               "placeholder": "", "initial_value": "", "order": 200, "prompt_stages_obj": [{{stageJson}}], "sub_text": "",
               "placeholder_expression": false, "initial_value_expression": false}],
             "autocomplete": {} }
            """);
        await (await client.GetAsync($"/api/v3/stages/prompt/prompts/{prompt.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_stages_prompt", "model_name": "promptstage", "pk": "{{stage.Id}}", "name": "Stage ask", "action": "cascade_many"}]
            """);
        await (await client.GetAsync($"/api/v3/stages/prompt/stages/{stage.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_stages_prompt", "model_name": "prompt", "pk": "{{prompt.Id}}", "name": "Prompt field 'lockdown_reason' type text_area", "action": "cascade_many"}]
            """);
        await (await client.GetAsync($"/api/v3/stages/prompt/stages/?fields={prompt.Id}", Ct)).AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 1},
             "results": [{{stageJson}}], "autocomplete": {} }
            """);

        var patched = await client.PatchAsync($"/api/v3/stages/prompt/prompts/{prompt.Id}/", Json.Content(new { required = false }), Ct);
        Assert.Equal(200, (int)patched.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<Prompt>().Select(p => p.Required).SingleAsync()));
        Assert.Equal(204, (int)(await client.DeleteAsync($"/api/v3/stages/prompt/prompts/{prompt.Id}/", Ct)).StatusCode);
        Assert.Empty(await app.WithDbAsync(db => db.Set<PromptStage>().SelectMany(s => s.Fields).ToListAsync()));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelDeleted)), admin,
            "authentik_stages_prompt", "prompt", prompt.Id.ToString("N"), "reason");
        await (await client.GetAsync($"/api/v3/stages/prompt/prompts/{prompt.Id}/", Ct)).AssertJsonAsync(404, """{"detail": "No Prompt matches the given query."}""");
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).PostAsync("/api/v3/stages/prompt/prompts/", Json.Content(new { name = "z", field_key = "z", label = "z", type = "text" }), Ct))
            .AssertJsonAsync(403, Forbidden);
    }
}
