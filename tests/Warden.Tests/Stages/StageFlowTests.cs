using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Flows;
using Warden.Stages.Deny;
using Warden.Stages.Identification;
using Warden.Stages.Password;
using Warden.Stages.Prompt;
using Warden.Stages.UserLogin;
using Warden.Stages.UserLogout;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Stages;

/// <summary>The built-in stages end to end, through /api/v3/flows/executor/&lt;slug&gt;/ as a browser drives it.</summary>
public sealed class StageFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A browser: keeps the session cookie the server sets (by hand: the cookies carry the fake clock's expiry, which a
    /// cookie container would judge by the real one), follows no redirect on its own.
    /// </summary>
    private static HttpClient Browser(TestApp app) =>
        app.CreateDefaultClient(new SessionCookieHandler());

    private sealed class SessionCookieHandler : DelegatingHandler
    {
        private string? _session;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_session is not null)
            {
                request.Headers.Add("Cookie", $"{SessionStore.CookieName}={_session}");
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                foreach (var cookie in cookies.Where(c => c.StartsWith(SessionStore.CookieName + "=", StringComparison.Ordinal)))
                {
                    var value = cookie[(SessionStore.CookieName.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
                    _session = value.Length == 0 ? null : value;
                }
            }
            return response;
        }
    }

    private static string Url(Flow flow) => $"/api/v3/flows/executor/{flow.Slug}/?query=";

    /// <summary>Posts an answer and, as a browser's fetch does, follows the executor's 302 to itself with a GET.</summary>
    private static async Task<JsonNode> AnswerAsync(HttpClient client, Flow flow, object answer)
    {
        var response = await client.PostAsync(Url(flow), Json.Content(answer), Ct);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            response = await client.GetAsync(response.Headers.Location!.OriginalString, Ct);
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private static async Task<JsonNode> StartAsync(HttpClient client, Flow flow)
    {
        var response = await client.GetAsync(Url(flow), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private static async Task<Flow> LoginFlowAsync(TestApp app, int attempts = 3, bool passwordInIdentification = false, bool pretend = true)
    {
        var flow = await app.CreateFlowAsync();
        var password = await app.CreateStageAsync(new PasswordStage { Name = "password-" + flow.Slug, FailedAttemptsBeforeCancel = attempts });
        var identification = await app.CreateStageAsync(new IdentificationStage
        {
            Name = "ident-" + flow.Slug,
            UserFields = ["username", "email"],
            PretendUserExists = pretend,
            PasswordStageId = passwordInIdentification ? password.Id : null,
        });
        await app.BindAsync(flow, identification, 10);
        if (!passwordInIdentification)
        {
            await app.BindAsync(flow, password, 20);
        }
        await app.BindAsync(flow, await app.CreateStageAsync(new UserLoginStage { Name = "login-" + flow.Slug, SessionDuration = "hours=8" }), 30);
        return flow;
    }

    private static string Component(JsonNode body) => body["component"]!.GetValue<string>();

    [Theory, Providers]
    public async Task ALoginThroughIdentificationPasswordAndUserLoginAuthenticatesTheSessionAndRecordsTheLogin(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("alice", password: "correct horse");
        var flow = await LoginFlowAsync(app);
        var browser = Browser(app);

        var identification = await StartAsync(browser, flow);
        Assert.Equal("ak-stage-identification", Component(identification));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["username", "email"]"""), identification["user_fields"]));
        Assert.False(identification["password_fields"]!.GetValue<bool>());

        // Case-insensitive, by email.
        var password = await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = "ALICE@example.test" });
        Assert.Equal("ak-stage-password", Component(password));
        Assert.Equal("alice", password["pending_user"]!.GetValue<string>());

        var done = await AnswerAsync(browser, flow, new { component = "ak-stage-password", password = "correct horse" });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"component": "xak-flow-redirect", "to": "/", "final_redirect": false}"""), done), done.ToJsonString());

        var me = await browser.GetAsync("/api/v3/core/users/me/", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("alice", (await me.BodyAsync())["user"]!["username"]!.GetValue<string>());
        var session = await app.WithDbAsync(db => db.Sessions.Include(s => s.Authenticated).SingleAsync(s => s.Authenticated != null));
        Assert.Equal(user.Id, session.Authenticated!.UserId);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddHours(8), session.Expires);
        var login = Assert.Single(await app.EventsAsync(EventActions.Login));
        Assert.Equal(user.Id, login.User["pk"]!.GetValue<int>());
        Assert.Equal("password", login.Context["auth_method"]!.GetValue<string>());
        Assert.False(login.Context["auth_method_args"]!["known_device"]!.GetValue<bool>());
        Assert.Empty(await app.EventsAsync(EventActions.LoginFailed));
    }

    [Theory, Providers]
    public async Task AWrongPasswordIsAnsweredWithInvalidPasswordAndRecordedAsLoginFailed(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("bob", password: "right");
        var flow = await LoginFlowAsync(app);
        var browser = Browser(app);
        await StartAsync(browser, flow);
        await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = "bob" });

        var again = await AnswerAsync(browser, flow, new { component = "ak-stage-password", password = "wrong" });

        Assert.Equal("ak-stage-password", Component(again));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"password": [{"string": "Invalid password", "code": "invalid"}]}"""), again["response_errors"]));
        var failed = Assert.Single(await app.EventsAsync(EventActions.LoginFailed));
        Assert.Equal("bob", failed.Context["username"]!.GetValue<string>());
        Assert.NotEqual("wrong", failed.Context["password"]?.ToString());
        Assert.Equal("password-" + flow.Slug, failed.Context["stage"]!["name"]!.GetValue<string>());
        Assert.Equal(0, await app.WithDbAsync(db => db.AuthenticatedSessions.CountAsync()));
        Assert.Empty(await app.EventsAsync(EventActions.Login));
        _ = user;
    }

    /// <summary>Issue 9 item 7: guessing is cut off after failed_attempts_before_cancel, and an unknown account looks the same.</summary>
    [Theory, Providers]
    public async Task RepeatedWrongPasswordsCancelTheFlowWithTheSameAnswersWhetherOrNotTheAccountExists(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.CreateUserAsync("carol", password: "right");
        var flow = await LoginFlowAsync(app, attempts: 3);

        async Task<List<string>> GuessAsync(string username)
        {
            var browser = Browser(app);
            await StartAsync(browser, flow);
            var answers = new List<string>();
            var password = await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = username });
            answers.Add(Component(password) + " " + password["pending_user"]);
            for (var i = 0; i < 3; i++)
            {
                var body = await AnswerAsync(browser, flow, new { component = "ak-stage-password", password = "guess" + i });
                answers.Add(Component(body) + " " + (body["response_errors"]?.ToJsonString() ?? body["error_message"]?.GetValue<string>()));
            }
            // The flow is over: the next answer starts it again, it does not get another guess.
            var after = await StartAsync(browser, flow);
            answers.Add(Component(after));
            return answers;
        }

        var known = await GuessAsync("carol");
        var unknown = await GuessAsync("nobody");
        TestReport.Line($"password guessing ({provider}): 3 wrong passwords each for a known and an unknown account; " +
            $"flow cancelled after 3: {known[3].StartsWith("ak-stage-access-denied", StringComparison.Ordinal)}, same answers: {known.Skip(1).SequenceEqual(unknown.Skip(1))}");

        Assert.Equal(
        [
            "ak-stage-password carol",
            """ak-stage-password {"password":[{"string":"Invalid password","code":"invalid"}]}""",
            """ak-stage-password {"password":[{"string":"Invalid password","code":"invalid"}]}""",
            "ak-stage-access-denied Invalid password",
            "ak-stage-identification",
        ], known);
        Assert.Equal(known.Skip(1), unknown.Skip(1));
        Assert.Equal("ak-stage-password nobody", unknown[0]);
        Assert.Equal(0, await app.WithDbAsync(db => db.AuthenticatedSessions.CountAsync()));
        Assert.Equal(6, (await app.EventsAsync(EventActions.LoginFailed)).Count);
    }

    [Theory, Providers]
    public async Task AnInactiveUserWithTheRightPasswordIsRefusedLikeAWrongPassword(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.CreateUserAsync("dave", password: "right", active: false);
        var flow = await LoginFlowAsync(app);
        var browser = Browser(app);
        await StartAsync(browser, flow);
        await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = "dave" });

        var again = await AnswerAsync(browser, flow, new { component = "ak-stage-password", password = "right" });

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"password": [{"string": "Invalid password", "code": "invalid"}]}"""), again["response_errors"]));
        Assert.Equal(0, await app.WithDbAsync(db => db.AuthenticatedSessions.CountAsync()));
    }

    [Theory, Providers]
    public async Task WithThePasswordInTheIdentificationStepAnUnknownAccountAndAWrongPasswordGetTheSameAnswer(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.CreateUserAsync("erin", password: "right");
        var flow = await LoginFlowAsync(app, passwordInIdentification: true);

        async Task<JsonNode?> TryAsync(string uid, string password)
        {
            var browser = Browser(app);
            var challenge = await StartAsync(browser, flow);
            Assert.True(challenge["password_fields"]!.GetValue<bool>());
            var body = await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = uid, password });
            Assert.Equal("ak-stage-identification", Component(body));
            return body["response_errors"];
        }

        var expected = JsonNode.Parse("""{"non_field_errors": [{"string": "Failed to authenticate.", "code": "invalid"}]}""");
        Assert.True(JsonNode.DeepEquals(expected, await TryAsync("erin", "wrong")));
        Assert.True(JsonNode.DeepEquals(expected, await TryAsync("nobody", "wrong")));

        var browser = Browser(app);
        await StartAsync(browser, flow);
        var done = await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = "erin", password = "right" });
        Assert.Equal("xak-flow-redirect", Component(done));
        Assert.Single(await app.EventsAsync(EventActions.Login));
    }

    [Theory, Providers]
    public async Task UserLoginAsksRememberMeOnlyWhenItHasAnOffsetAndExtendsTheSession(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.CreateUserAsync("frank", password: "right");
        var flow = await app.CreateFlowAsync();
        var password = await app.CreateStageAsync(new PasswordStage { Name = "pw-" + flow.Slug });
        await app.BindAsync(flow, await app.CreateStageAsync(new IdentificationStage { Name = "id-" + flow.Slug, PasswordStageId = password.Id }), 10);
        await app.BindAsync(flow, await app.CreateStageAsync(new UserLoginStage { Name = "login-" + flow.Slug, SessionDuration = "hours=1", RememberMeOffset = "days=30" }), 20);
        var browser = Browser(app);
        await StartAsync(browser, flow);

        var remember = await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = "frank", password = "right" });
        Assert.Equal("ak-stage-user-login", Component(remember));
        Assert.Equal("frank", remember["pending_user"]!.GetValue<string>());
        var invalid = await AnswerAsync(browser, flow, new { component = "ak-stage-user-login" });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"remember_me": [{"string": "This field is required.", "code": "required"}]}"""), invalid["response_errors"]));

        var done = await AnswerAsync(browser, flow, new { component = "ak-stage-user-login", remember_me = true });

        Assert.Equal("xak-flow-redirect", Component(done));
        var session = await app.WithDbAsync(db => db.Sessions.SingleAsync(s => s.Authenticated != null));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddHours(1).AddDays(30), session.Expires);
    }

    [Theory, Providers]
    public async Task TerminateOtherSessionsEndsTheUsersOtherSessions(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("gina", password: "right");
        var (_, otherKey) = await app.AsSessionAsync(user);
        var flow = await app.CreateFlowAsync();
        var password = await app.CreateStageAsync(new PasswordStage { Name = "pw-" + flow.Slug });
        await app.BindAsync(flow, await app.CreateStageAsync(new IdentificationStage { Name = "id-" + flow.Slug, PasswordStageId = password.Id }), 10);
        await app.BindAsync(flow, await app.CreateStageAsync(new UserLoginStage { Name = "login-" + flow.Slug, TerminateOtherSessions = true }), 20);
        var browser = Browser(app);
        await StartAsync(browser, flow);

        await AnswerAsync(browser, flow, new { component = "ak-stage-identification", uid_field = "gina", password = "right" });

        var keys = await app.WithDbAsync(db => db.AuthenticatedSessions.Where(a => a.UserId == user.Id).Select(a => a.SessionKey).ToListAsync());
        Assert.DoesNotContain(otherKey, keys);
        Assert.Single(keys);
    }

    [Theory, Providers]
    public async Task LogoutEndsTheRequestsSessionAndRecordsTheLogout(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("henry");
        var (client, key) = await app.AsSessionAsync(user);
        var flow = await app.CreateFlowAsync(designation: "invalidation");
        await app.BindAsync(flow, await app.CreateStageAsync(new UserLogoutStage { Name = "logout-" + flow.Slug }), 0);

        var response = await client.GetAsync(Url(flow), Ct);

        await response.AssertJsonAsync(200, """{"component": "xak-flow-redirect", "to": "/", "final_redirect": false}""");
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == key)));
        var me = await FlowsClient(app, key).GetAsync("/api/v3/core/users/me/", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, me.StatusCode);
        var logout = Assert.Single(await app.EventsAsync(EventActions.Logout));
        Assert.Equal(user.Id, logout.User["pk"]!.GetValue<int>());
    }

    private static HttpClient FlowsClient(TestApp app, string key)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", $"{SessionStore.CookieName}={key}");
        return client;
    }

    [Theory, Providers]
    public async Task APromptWithInvalidInputShowsDrfErrorsAndValidAnswersGoIntoPromptData(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var flow = await app.CreateFlowAsync();
        var name = new Prompt { Name = "p-name-" + flow.Slug, FieldKey = "name", Label = "Name", Type = "text", Order = 20 };
        var email = new Prompt { Name = "p-email-" + flow.Slug, FieldKey = "email", Label = "Email", Type = "email", Order = 10 };
        var age = new Prompt { Name = "p-age-" + flow.Slug, FieldKey = "age", Label = "Age", Type = "number", Required = false, Order = 30 };
        var stage = await app.CreateStageAsync(new PromptStage { Name = "prompt-" + flow.Slug, Fields = [name, email, age] });
        await app.BindAsync(flow, stage, 0);
        await app.BindAsync(flow, await app.CreateStageAsync(new DenyStage { Name = "stop-" + flow.Slug, DenyMessage = "stop here" }), 10);
        var browser = Browser(app);

        var challenge = await StartAsync(browser, flow);
        Assert.Equal(["email", "name", "age"], challenge["fields"]!.AsArray().Select(f => f!["field_key"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"field_key": "email", "label": "Email", "type": "email", "required": true, "placeholder": "", "initial_value": "",
             "order": 10, "sub_text": "", "choices": null}
            """), challenge["fields"]![0]));

        var invalid = await AnswerAsync(browser, flow, new { component = "ak-stage-prompt", email = "not-an-email", age = "x" });
        Assert.Equal("ak-stage-prompt", Component(invalid));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"email": [{"string": "Enter a valid email address.", "code": "invalid"}],
             "name": [{"string": "This field is required.", "code": "required"}],
             "age": [{"string": "A valid integer is required.", "code": "invalid"}]}
            """), invalid["response_errors"]), invalid["response_errors"]?.ToJsonString());

        var denied = await AnswerAsync(browser, flow, new { component = "ak-stage-prompt", email = "a@example.test", name = " Ann ", age = "41" });

        // The deny stage ends the flow with its message, after the prompt stored its answers.
        Assert.Equal("ak-stage-access-denied", Component(denied));
        Assert.Equal("stop here", denied["error_message"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task ValidPromptAnswersAreMergedIntoThePlansPromptData(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var flow = await app.CreateFlowAsync();
        var first = await app.CreateStageAsync(new PromptStage { Name = "one-" + flow.Slug, Fields = [new Prompt { Name = "a-" + flow.Slug, FieldKey = "a", Label = "A", Type = "text" }] });
        var second = await app.CreateStageAsync(new PromptStage { Name = "two-" + flow.Slug, Fields = [new Prompt { Name = "b-" + flow.Slug, FieldKey = "b", Label = "B", Type = "checkbox" }] });
        await app.BindAsync(flow, first, 0);
        await app.BindAsync(flow, second, 1);
        var browser = Browser(app);
        await StartAsync(browser, flow);

        var next = await AnswerAsync(browser, flow, new { component = "ak-stage-prompt", a = " kept as typed " });
        Assert.Equal("ak-stage-prompt", Component(next));
        var key = await app.WithDbAsync(db => db.Sessions.Select(s => s.SessionKey).SingleAsync());
        var plan = await app.WithDbAsync(async db => (await db.Sessions.SingleAsync(s => s.SessionKey == key)).Data[FlowPlan.SessionKey]!.AsObject());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a": " kept as typed "}"""), plan["context"]!["prompt_data"]), plan.ToJsonString());
    }

    [Theory, Providers]
    public async Task ADenyStageEndsTheFlowWithItsMessageOrUnknownError(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var withMessage = await app.CreateFlowAsync();
        await app.BindAsync(withMessage, await app.CreateStageAsync(new DenyStage { Name = "deny-" + withMessage.Slug, DenyMessage = "Not for you." }), 0);
        var without = await app.CreateFlowAsync();
        await app.BindAsync(without, await app.CreateStageAsync(new DenyStage { Name = "deny-" + without.Slug }), 0);

        var denied = await StartAsync(Browser(app), withMessage);
        var unknown = await StartAsync(Browser(app), without);

        Assert.Equal(("ak-stage-access-denied", "Not for you."), (Component(denied), denied["error_message"]!.GetValue<string>()));
        Assert.Equal(("ak-stage-access-denied", "Unknown error"), (Component(unknown), unknown["error_message"]!.GetValue<string>()));
    }
}
