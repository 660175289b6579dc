using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Flows.FlowFixtures;

namespace Warden.Tests.Flows;

public sealed class FlowExecutorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PromptJson(Flow flow, string? errors = null) => $$"""
        {"component": "ak-stage-prompt", "flow_info": {{FlowInfoJson(flow)}}, "fields": {{ScriptedStageExecutor.PromptFieldsJson}}
         {{(errors is null ? "" : ", \"response_errors\": " + errors)}} }
        """;

    private static string DeniedJson(Flow flow, string pendingUser, string avatar, string message) => $$"""
        {"component": "ak-stage-access-denied", "flow_info": {{FlowInfoJson(flow)}}, "pending_user": "{{pendingUser}}",
         "pending_user_avatar": "{{avatar}}", "error_message": "{{message}}"}
        """;

    private static string RedirectJson(string to) => $$"""{"component": "xak-flow-redirect", "to": "{{to}}", "final_redirect": false}""";

    [Theory, Providers]
    public async Task GetShowsTheFirstStagesChallengeAndStoresThePlanInTheSession(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        var first = await BindAsync(app, flow, "show", 10);
        var second = await BindAsync(app, flow, "ok", 20, configure: b => b.ReEvaluatePolicies = true);
        var (client, key) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow, "next=%2Fif%2Fuser%2F"), Ct);

        await response.AssertJsonAsync(200, PromptJson(flow));
        var plan = await StoredPlanAsync(app, key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"flow_pk": "{{flow.Id}}",
             "bindings": [{"binding": "{{first.Id}}", "re_evaluate": false}, {"binding": "{{second.Id}}", "re_evaluate": true}],
             "context": {"get": {"next": "/if/user/"} } }
            """), plan), plan?.ToJsonString());
    }

    [Theory, Providers]
    public async Task AnAnonymousCallerWithoutSessionGetsANewSessionHoldingThePlan(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);

        var response = await app.Anonymous().GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, PromptJson(flow));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(SessionStore.CookieName + "=", StringComparison.Ordinal));
        var key = cookie[(SessionStore.CookieName.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
        var plan = await StoredPlanAsync(app, key);
        Assert.Equal(flow.Id.ToString(), plan?["flow_pk"]?.GetValue<string>());
    }

    [Theory, Providers]
    public async Task AValidAnswerAdvancesWithARaw302ToTheExecutorItselfAndTheNextGetShowsTheNextStage(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        var second = await BindAsync(app, flow, "show", 20);
        var (client, key) = await AnonymousSessionAsync(app);
        var url = ExecutorUrl(flow, "next=%2Fdone%2F");
        await client.GetAsync(url, Ct);

        var posted = await client.PostAsync(url, Json.Content(new { component = "ak-stage-prompt", answer = "42" }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(url, posted.Headers.Location?.OriginalString);
        var plan = await StoredPlanAsync(app, key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"flow_pk": "{{flow.Id}}", "bindings": [{"binding": "{{second.Id}}", "re_evaluate": false}],
             "context": {"get": {"next": "/done/"}, "prompt_data": {"answer": "42"} } }
            """), plan), plan?.ToJsonString());
        var next = await client.GetAsync(url, Ct);
        await next.AssertJsonAsync(200, PromptJson(flow));
    }

    [Theory, Providers]
    public async Task AnInvalidAnswerShowsTheChallengeAgainWithResponseErrors(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        var binding = await BindAsync(app, flow, "show", 10);
        var (client, key) = await AnonymousSessionAsync(app);
        await client.GetAsync(ExecutorUrl(flow), Ct);

        var response = await client.PostAsync(ExecutorUrl(flow), Json.Content(new { component = "ak-stage-prompt" }), Ct);

        await response.AssertJsonAsync(200, PromptJson(flow, """{"answer": [{"string": "This field is required.", "code": "required"}]}"""));
        var plan = await StoredPlanAsync(app, key);
        Assert.Equal(binding.Id.ToString(), plan?["bindings"]?[0]?["binding"]?.GetValue<string>());
    }

    [Theory, Providers]
    public async Task TheLastStageEndsTheFlowWithARedirectToARelativeNextAndRemovesThePlan(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "ok", 10);
        var (client, key) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow, "next=%2Fif%2Fuser%2F%23page"), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/if/user/#page"));
        Assert.Null(await StoredPlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task WithoutNextTheFlowEndsAtTheRoot(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "ok", 10);
        var (client, _) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/"));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task AnAbsoluteNextIsRefusedWithAccessDenied(string next)
    {
        await using var app = await StartAsync(TestDatabase.Sqlite);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "ok", 10);
        var (client, key) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow, "next=" + Uri.EscapeDataString(next)), Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, "", FlowExecutor.DefaultAvatar, "Invalid next URL"));
        Assert.Null(await StoredPlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task AnInvalidStageCancelsThePlanAndDeniesAccessNamingThePendingUser(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        await BindAsync(app, flow, "deny", 20, "Not today.");
        var (client, key) = await app.AsSessionAsync(user);
        await client.GetAsync(ExecutorUrl(flow), Ct);

        var posted = await client.PostAsync(ExecutorUrl(flow), Json.Content(new { answer = "x" }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, user.Username, Avatars.For(user), "Not today."));
        Assert.Null(await StoredPlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task AnInvalidStageWithoutMessageSaysUnknownError(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "deny", 10, "");
        var (client, _) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, "", FlowExecutor.DefaultAvatar, "Unknown error"));
    }

    [Theory, Providers]
    public async Task RestartReplansTheFlowWithoutTheContext(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        var first = await BindAsync(app, flow, "show", 10);
        var deny = await BindAsync(app, flow, "deny", 20, "no", b => b.InvalidResponseAction = "restart");
        var (client, key) = await AnonymousSessionAsync(app);
        var url = ExecutorUrl(flow);
        await client.GetAsync(url, Ct);
        await client.PostAsync(url, Json.Content(new { answer = "kept?" }), Ct);

        var response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(url, response.Headers.Location?.OriginalString);
        var plan = await StoredPlanAsync(app, key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"flow_pk": "{{flow.Id}}",
             "bindings": [{"binding": "{{first.Id}}", "re_evaluate": false}, {"binding": "{{deny.Id}}", "re_evaluate": false}],
             "context": {"get": {} } }
            """), plan), plan?.ToJsonString());
    }

    [Theory, Providers]
    public async Task RestartWithContextKeepsTheAnswersSoFar(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        var first = await BindAsync(app, flow, "show", 10);
        var deny = await BindAsync(app, flow, "deny", 20, "no", b => b.InvalidResponseAction = "restart_with_context");
        var (client, key) = await AnonymousSessionAsync(app);
        var url = ExecutorUrl(flow);
        await client.GetAsync(url, Ct);
        await client.PostAsync(url, Json.Content(new { answer = "kept" }), Ct);

        var response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var plan = await StoredPlanAsync(app, key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"flow_pk": "{{flow.Id}}",
             "bindings": [{"binding": "{{first.Id}}", "re_evaluate": false}, {"binding": "{{deny.Id}}", "re_evaluate": false}],
             "context": {"get": {}, "prompt_data": {"answer": "kept"} } }
            """), plan), plan?.ToJsonString());
    }

    [Theory, Providers]
    public async Task AStageRedirectIsAnsweredAsARedirectChallenge(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "redirect", 10, "/if/flow/elsewhere/");
        var (client, _) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/if/flow/elsewhere/"));
    }

    [Theory, Providers]
    public async Task AnUnexpectedErrorIsAFlowErrorWithTheRequestIdAndNoDetailsForOrdinaryUsers(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "throw", 10);
        var (client, _) = await app.AsSessionAsync(user);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (JsonObject)await response.BodyAsync();
        Assert.Equal(["component", "request_id"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("ak-stage-flow-error", body["component"]?.GetValue<string>());
        var requestId = body["request_id"]!.GetValue<string>();
        Assert.NotEmpty(requestId);
        var recorded = await app.WithDbAsync(db => db.Set<Event>().AsNoTracking().SingleAsync(e => e.Action == "system_exception"));
        Assert.Equal(requestId, recorded.Context["http_request"]?["request_id"]?.GetValue<string>());
        Assert.Equal(ScriptedStageExecutor.Boom, recorded.Context["exception"]?["exc_value"]?.GetValue<string>());
        Assert.Equal(user.Username, recorded.User["username"]?.GetValue<string>());
    }

    [Theory, Providers]
    public async Task SuperusersSeeTheErrorAndTraceback(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "throw", 10);
        var (client, _) = await app.AsSessionAsync(admin);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        var body = (JsonObject)await response.BodyAsync();
        Assert.Equal("ak-stage-flow-error", body["component"]?.GetValue<string>());
        Assert.Equal(ScriptedStageExecutor.Boom, body["error"]?.GetValue<string>());
        Assert.Contains("System.InvalidOperationException: " + ScriptedStageExecutor.Boom, body["traceback"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(nameof(ScriptedStageExecutor), body["traceback"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory, Providers]
    public async Task APlanContinuesOnAnotherServerInstanceSharingTheDatabase(string provider)
    {
        await using var first = await StartAsync(provider);
        await using var second = await StartAsync(provider, first.Settings.ToDictionary());
        var flow = await CreateFlowAsync(first);
        await BindAsync(first, flow, "show", 10);
        await BindAsync(first, flow, "deny", 20, "reached the second stage");
        var (client, key) = await AnonymousSessionAsync(first);
        var url = ExecutorUrl(flow);
        await client.GetAsync(url, Ct);
        var posted = await client.PostAsync(url, Json.Content(new { answer = "on the first node" }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);

        var response = await WithCookie(second, key).GetAsync(url, Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, "", FlowExecutor.DefaultAvatar, "reached the second stage"));
        Assert.Null(await StoredPlanAsync(second, key));
    }

    [Theory, Providers]
    public async Task StartingAnotherFlowDiscardsThePlanOfTheFirst(string provider)
    {
        await using var app = await StartAsync(provider);
        var one = await CreateFlowAsync(app);
        await BindAsync(app, one, "show", 10);
        await BindAsync(app, one, "show", 20);
        var other = await CreateFlowAsync(app);
        var otherBinding = await BindAsync(app, other, "show", 10);
        var (client, key) = await AnonymousSessionAsync(app);
        await client.GetAsync(ExecutorUrl(one), Ct);
        await client.PostAsync(ExecutorUrl(one), Json.Content(new { answer = "first flow" }), Ct);

        var response = await client.GetAsync(ExecutorUrl(other), Ct);

        await response.AssertJsonAsync(200, PromptJson(other));
        var plan = await StoredPlanAsync(app, key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"flow_pk": "{{other.Id}}", "bindings": [{"binding": "{{otherBinding.Id}}", "re_evaluate": false}], "context": {"get": {} } }
            """), plan), plan?.ToJsonString());
        // Going back to the first flow starts it again from its first stage.
        var again = await client.GetAsync(ExecutorUrl(one), Ct);
        await again.AssertJsonAsync(200, PromptJson(one));
        Assert.Equal(2, (await StoredPlanAsync(app, key))?["bindings"]?.AsArray().Count);
    }

    [Theory, Providers]
    public async Task CancelRemovesThePlanAndGoesToTheRootOrARelativeNext(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        var (client, key) = await AnonymousSessionAsync(app);
        await client.GetAsync(ExecutorUrl(flow), Ct);
        Assert.NotNull(await StoredPlanAsync(app, key));

        var response = await client.GetAsync("/flows/-/cancel/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Null(await StoredPlanAsync(app, key));
        var relative = await client.GetAsync("/flows/-/cancel/?next=%2Fif%2Fuser%2F", Ct);
        Assert.Equal("/if/user/", relative.Headers.Location?.OriginalString);
        var absolute = await client.GetAsync("/flows/-/cancel/?next=https%3A%2F%2Fevil.example%2F", Ct);
        Assert.Equal("/", absolute.Headers.Location?.OriginalString);
    }

    [Theory, Providers]
    public async Task AnUnknownFlowIsNotFound(string provider)
    {
        await using var app = await StartAsync(provider);

        var response = await app.Anonymous().GetAsync("/api/v3/flows/executor/no-such-flow/?query=", Ct);

        await response.AssertJsonAsync(404, """{"detail": "No Flow matches the given query."}""");
    }

    [Theory, Providers]
    public async Task APostWithALoggedInSessionNeedsTheCsrfHeader(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        var (client, key) = await app.AsSessionAsync(user);
        await client.GetAsync(ExecutorUrl(flow), Ct);
        client.DefaultRequestHeaders.Remove(SessionStore.CsrfHeaderName);

        var response = await client.PostAsync(ExecutorUrl(flow), Json.Content(new { answer = "x" }), Ct);

        await response.AssertJsonAsync(403, """{"detail": "CSRF Failed: CSRF token missing."}""");
        Assert.Null((await StoredPlanAsync(app, key))?["context"]?["prompt_data"]);
    }

    [Theory, Providers]
    public async Task APostBodyThatIsNotAnObjectIsRefused(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        var (client, key) = await AnonymousSessionAsync(app);
        await client.GetAsync(ExecutorUrl(flow), Ct);

        var response = await client.PostAsync(ExecutorUrl(flow), Json.Raw("[1]"), Ct);

        await response.AssertJsonAsync(400, """{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}""");
        Assert.Null((await StoredPlanAsync(app, key))?["context"]?["prompt_data"]);
    }

    [Theory, Providers]
    public async Task AnEmptyFlowEndsAtOnce(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        var (client, key) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow, "next=%2Fafter%2F"), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/after/"));
        Assert.Null(await StoredPlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task ANonApplicableFlowWithDeniedActionMessageDeniesAccessWithThePlannersMessage(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app, configure: f => { f.Authentication = "require_authenticated"; f.DeniedAction = "message"; });
        await BindAsync(app, flow, "show", 10);
        var (client, key) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow, "next=%2Fx%2F") + "&next=%2Fouter%2F", Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, "", FlowExecutor.DefaultAvatar, FlowPlanner.NotApplicableMessage));
        Assert.Null(await StoredPlanAsync(app, key));
    }

    [Theory, Providers]
    public async Task ANonApplicableFlowWithDeniedActionContinueRedirectsToTheRoot(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app, configure: f => { f.Authentication = "require_authenticated"; f.DeniedAction = "continue"; });
        await BindAsync(app, flow, "show", 10);
        var (client, _) = await AnonymousSessionAsync(app);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/"));
    }

    [Theory, Providers]
    public async Task ANonApplicableFlowWithMessageContinueFollowsTheExecutorsOwnRelativeNext(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app, configure: f => { f.Authentication = "require_authenticated"; f.DeniedAction = "message_continue"; });
        await BindAsync(app, flow, "show", 10);
        var (client, _) = await AnonymousSessionAsync(app);

        var withNext = await client.GetAsync(ExecutorUrl(flow) + "&next=%2Fouter%2F", Ct);
        var withoutNext = await client.GetAsync(ExecutorUrl(flow, "next=%2Finner%2F"), Ct);

        await withNext.AssertJsonAsync(200, RedirectJson("/outer/"));
        await withoutNext.AssertJsonAsync(200, DeniedJson(flow, "", FlowExecutor.DefaultAvatar, FlowPlanner.NotApplicableMessage));
    }

    [Theory, Providers]
    public async Task AnAuthenticationFlowForALoggedInUserContinuesToNext(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = "require_unauthenticated");
        await BindAsync(app, flow, "show", 10);
        var (client, _) = await app.AsSessionAsync(user);

        var response = await client.GetAsync(ExecutorUrl(flow, "next=%2Fif%2Fuser%2F"), Ct);

        await response.AssertJsonAsync(200, RedirectJson("/if/user/"));
    }

    [Theory, Providers]
    public async Task AReEvaluatedBindingIsJudgedWhenReachedAndSkippedWhenItFails(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var group = await CreateGroupAsync(app);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        var guarded = await BindAsync(app, flow, "deny", 20, "members only", b => b.ReEvaluatePolicies = true);
        await BindPolicyAsync(app, b => b.TargetBindingId = guarded.Id, group: group.Id);
        await BindAsync(app, flow, "deny", 30, "everyone");
        var (client, _) = await app.AsSessionAsync(user);
        var url = ExecutorUrl(flow);
        await client.GetAsync(url, Ct);
        await client.PostAsync(url, Json.Content(new { answer = "x" }), Ct);

        var notMember = await client.GetAsync(url, Ct);

        await notMember.AssertJsonAsync(200, DeniedJson(flow, user.Username, Avatars.For(user), "everyone"));
    }

    [Theory, Providers]
    public async Task AReEvaluatedBindingRunsWhenItsPolicyPassesByTheTimeItIsReached(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var group = await CreateGroupAsync(app);
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "show", 10);
        var onPlan = await BindAsync(app, flow, "deny", 20, "judged on plan", b => { b.EvaluateOnPlan = true; b.ReEvaluatePolicies = false; });
        await BindPolicyAsync(app, b => b.TargetBindingId = onPlan.Id, group: group.Id);
        var whenReached = await BindAsync(app, flow, "deny", 30, "judged when reached", b => b.ReEvaluatePolicies = true);
        await BindPolicyAsync(app, b => b.TargetBindingId = whenReached.Id, group: group.Id);
        var (client, _) = await app.AsSessionAsync(user);
        var url = ExecutorUrl(flow);
        await client.GetAsync(url, Ct);
        await AddToGroupAsync(app, user, group);
        await client.PostAsync(url, Json.Content(new { answer = "x" }), Ct);

        var response = await client.GetAsync(url, Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, user.Username, Avatars.For(user), "judged when reached"));
    }

    [Theory, Providers]
    public async Task APrePlannedPendingUserIsWhomTheStagesActOnAndWhomAccessDeniedNames(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        var binding = await BindAsync(app, flow, "whoami", 10);
        var (client, key) = await app.AsSessionAsync(admin);
        await app.WithDbAsync(async db =>
        {
            var session = await db.Sessions.SingleAsync(s => s.SessionKey == key);
            session.Data[FlowPlan.SessionKey] = new FlowPlan
            {
                FlowId = flow.Id,
                Bindings = [new PlannedBinding(binding.Id, false)],
                Context = new JsonObject { [PlanContext.PendingUser] = target.Id },
            }.ToJson();
            await db.SaveChangesAsync();
        });

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        await response.AssertJsonAsync(200, DeniedJson(flow, target.Username, Avatars.For(target), target.Username));
    }

    [Theory, Providers]
    public async Task TheFlowTitleNamesThePendingUser(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, configure: f => f.Title = "Welcome, %(user)s%%");
        await BindAsync(app, flow, "show", 10);
        var (client, _) = await app.AsSessionAsync(user);

        var response = await client.GetAsync(ExecutorUrl(flow), Ct);

        var body = await response.BodyAsync();
        Assert.Equal($"Welcome, {user.Username}%", body["flow_info"]?["title"]?.GetValue<string>());
    }
}
