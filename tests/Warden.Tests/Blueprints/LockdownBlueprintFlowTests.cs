using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Flows;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Blueprints.BlueprintTestKit;

namespace Warden.Tests.Blueprints;

/// <summary>The shipped lockdown flows, applied and walked through the real executor and prompt stage.</summary>
public sealed class LockdownBlueprintFlowTests
{
    private static async Task<(TestApp App, Flow Flow)> StartAsync(string provider)
    {
        var app = await TestLicenses.StartLicensedAsync(provider);
        await app.ApplyShippedAsync(LockdownBlueprint);
        var flow = (await app.FlowAsync("default-account-lockdown"))!;
        await app.WithDbAsync(async db =>
        {
            (await db.Brands.SingleAsync(b => b.Default, Ct)).FlowLockdownId = flow.Id;
            await db.SaveChangesAsync(Ct);
        });
        return (app, flow);
    }

    private static string Executor(string slug) => $"/api/v3/flows/executor/{slug}/?query=";

    /// <summary>GETs the executor, following its raw 302s to itself, and returns the challenge.</summary>
    private static async Task<JsonNode> ChallengeAsync(HttpClient client, HttpResponseMessage response)
    {
        for (var i = 0; response.StatusCode == HttpStatusCode.Found && i < 5; i++)
        {
            response = await client.GetAsync(response.Headers.Location!.OriginalString, Ct);
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private static JsonObject Field(JsonNode challenge, string key) =>
        challenge["fields"]!.AsArray().Single(f => f!["field_key"]!.GetValue<string>() == key)!.AsObject();

    [Theory, Providers]
    public async Task AnAdministratorWalksTheDefaultFlowAndSeesTheResult(string provider)
    {
        var (app, flow) = await StartAsync(provider);
        await using var _ = app;
        var admin = await app.CreateUserAsync(superuser: true);
        var target = await app.CreateUserAsync(username: "victim", email: "victim@example.test");
        var (client, _) = await app.AsSessionAsync(admin);

        await (await client.PostAsync("/api/v3/core/users/account_lockdown/", Json.Content(new { user = target.Id }), Ct))
            .AssertJsonAsync(200, """{"link": "/if/flow/default-account-lockdown/"}""");
        var prompt = await ChallengeAsync(client, await client.GetAsync(Executor(flow.Slug), Ct));

        Assert.Equal("ak-stage-prompt", prompt["component"]!.GetValue<string>());
        Assert.Equal(["lockdown_warning", "lockdown_info", "lockdown_reason"], prompt["fields"]!.AsArray().Select(f => f!["field_key"]!.GetValue<string>()));
        var warning = Field(prompt, "lockdown_warning")["initial_value"]!.GetValue<string>();
        Assert.Contains("You are about to lock down the following account:", warning, StringComparison.Ordinal);
        Assert.Contains("<code>victim</code> (victim@example.test)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("your own account", warning, StringComparison.Ordinal);
        var reason = Field(prompt, "lockdown_reason");
        Assert.Equal(("text_area", true, "Describe why this account is being locked down..."),
            (reason["type"]!.GetValue<string>(), reason["required"]!.GetValue<bool>(), reason["placeholder"]!.GetValue<string>()));

        // Without a reason the prompt is shown again with the error.
        var invalid = await client.PostAsync(Executor(flow.Slug), Json.Content(new { component = "ak-stage-prompt" }), Ct);
        var again = await invalid.BodyAsync();
        Assert.Equal("This field is required.", again["response_errors"]!["lockdown_reason"]![0]!["string"]!.GetValue<string>());
        Assert.True((await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id, Ct))).IsActive);

        var answered = await client.PostAsync(Executor(flow.Slug), Json.Content(new Dictionary<string, string>
        {
            ["component"] = "ak-stage-prompt", ["lockdown_reason"] = "Phished on Monday",
        }), Ct);
        var result = await ChallengeAsync(client, answered);

        // The administrator-only result, after the lockdown ran.
        Assert.Equal("ak-stage-prompt", result["component"]!.GetValue<string>());
        Assert.Equal("<p><code>victim</code> has been locked down.</p>", Field(result, "lockdown_complete")["initial_value"]!.GetValue<string>());
        Assert.False((await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id, Ct))).IsActive);
        var ev = Assert.Single(await Warden.Tests.Enterprise.Stages.AccountLockdown.LockdownStageHarness.LockdownEventsAsync(app));
        Assert.Equal("Phished on Monday", ev.Context["reason"]!.GetValue<string>());
        Assert.Equal(admin.Id, ev.User["authenticated_as"]!["pk"]!.GetValue<int>());

        var done = await client.PostAsync(Executor(flow.Slug), Json.Content(new { component = "ak-stage-prompt" }), Ct);
        await done.AssertJsonAsync(200, """{"component": "xak-flow-redirect", "to": "/", "final_redirect": false}""");
    }

    [Theory, Providers]
    public async Task AUserLocksTheirOwnAccountAndLandsOnTheCompletionFlow(string provider)
    {
        var (app, flow) = await StartAsync(provider);
        await using var _ = app;
        var user = await app.CreateUserAsync();
        var (client, session) = await app.AsSessionAsync(user);

        await client.PostAsync("/api/v3/core/users/account_lockdown/", Json.Content(new { }), Ct);
        var prompt = await ChallengeAsync(client, await client.GetAsync(Executor(flow.Slug), Ct));
        Assert.StartsWith("<p><strong>You are about to lock down your own account.</strong></p>",
            Field(prompt, "lockdown_warning")["initial_value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Describe why you are locking your account...", Field(prompt, "lockdown_reason")["placeholder"]!.GetValue<string>());

        var answered = await client.PostAsync(Executor(flow.Slug), Json.Content(new Dictionary<string, string>
        {
            ["component"] = "ak-stage-prompt", ["lockdown_reason"] = "lost my laptop",
        }), Ct);
        var redirect = await ChallengeAsync(client, answered);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"component": "xak-flow-redirect", "to": "/if/flow/default-account-lockdown-complete/", "final_redirect": false}"""), redirect),
            redirect.ToJsonString());
        Assert.False((await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct))).IsActive);
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == session, Ct)));

        // The completion flow needs no login: a fresh anonymous browser sees the message.
        var browser = app.Anonymous();
        var complete = await ChallengeAsync(browser, await browser.GetAsync(Executor("default-account-lockdown-complete"), Ct));
        Assert.Equal("ak-stage-prompt", complete["component"]!.GetValue<string>());
        Assert.StartsWith("<h1>Your account has been locked</h1>", Field(complete, "self_lockdown_complete")["initial_value"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
