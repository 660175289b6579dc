using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Flows;
using Warden.Policies;
using Warden.Stages.Deny;
using Warden.Stages.Prompt;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Flows;

/// <summary>
/// A test-only stage executor, so the engine can be tested on its own. It runs deny stages (a real stage table)
/// and behaves by the stage's name prefix:
/// <list type="bullet">
/// <item><c>show-…</c>: a prompt challenge with one required text field <c>answer</c>; a POST with it stores it in
/// <c>prompt_data</c> and is done, without it shows the challenge again with <c>response_errors</c>;</item>
/// <item><c>ok-…</c>: done at once; <c>deny-…</c>: invalid with the stage's deny message; <c>throw-…</c>: throws;
/// <c>redirect-…</c>: redirects to the deny message;</item>
/// <item><c>whoami-…</c>: invalid with the pending user's username (or "nobody"), to see whom the stage acts on.</item>
/// </list>
/// </summary>
public sealed class ScriptedStageExecutor : IStageExecutor
{
    public const string Boom = "boom: the stage failed";

    public Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) => RunAsync(run, null, cancellationToken);

    public Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken) => RunAsync(run, response, cancellationToken);

    private static async Task<StageResult> RunAsync(StageRun run, JsonObject? response, CancellationToken cancellationToken)
    {
        var stage = run.StageAs<DenyStage>();
        var kind = stage.Name[..stage.Name.IndexOf('-', StringComparison.Ordinal)];
        switch (kind)
        {
            case "show":
                if (response is null)
                {
                    return StageResult.Show(Prompt());
                }
                if (response["answer"] is JsonValue value && value.TryGetValue<string>(out var answer) && answer.Length > 0)
                {
                    run.Plan.PromptDataOf()["answer"] = answer;
                    return StageResult.Ok;
                }
                return StageResult.Show(Prompt() with
                {
                    ResponseErrors = new() { ["answer"] = [new ErrorDetail("This field is required.", "required")] },
                });
            case "ok":
                return StageResult.Ok;
            case "deny":
                return StageResult.Invalid(stage.DenyMessage);
            case "throw":
                throw new InvalidOperationException(Boom);
            case "redirect":
                return StageResult.Redirect(stage.DenyMessage);
            case "whoami":
                var user = await run.PendingUserAsync(cancellationToken);
                return StageResult.Invalid(user?.Username ?? "nobody");
            default:
                throw new InvalidOperationException("unknown test stage " + stage.Name);
        }
    }

    public static PromptChallenge Prompt() =>
        new([new StagePrompt("answer", "Answer", "text", true, "", "", 0, "", null)]);

    public const string PromptFieldsJson = """
        [{"field_key": "answer", "label": "Answer", "type": "text", "required": true, "placeholder": "", "initial_value": "",
          "order": 0, "sub_text": "", "choices": null}]
        """;
}

/// <summary>Flows, stages and bindings for engine tests, and clients that keep a session.</summary>
public static class FlowFixtures
{
    /// <summary>Replaces whatever runs deny stages with <see cref="ScriptedStageExecutor"/>.</summary>
    public static void UseScriptedStages(IServiceCollection services)
    {
        foreach (var existing in services.Where(d => d.ServiceType == typeof(StageType) && d.ImplementationInstance is StageType { Model: var m } && m == typeof(DenyStage)).ToList())
        {
            services.Remove(existing);
        }
        services.AddStageType<DenyStage, ScriptedStageExecutor>("ak-stage-deny-form", "Deny Stage", "Deny Stages",
            "authentik_stages_deny.denystage", "Cancels the current flow.");
    }

    public static Task<TestApp> StartAsync(string provider, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        TestApp.StartAsync(provider, settings, s =>
        {
            UseScriptedStages(s);
            services?.Invoke(s);
        });

    public static Task<Flow> CreateFlowAsync(TestApp app, string? slug = null, Action<Flow>? configure = null) =>
        app.WithDbAsync(async db =>
        {
            slug ??= "flow-" + Guid.NewGuid().ToString("N")[..8];
            var flow = new Flow { Name = "Flow " + slug, Slug = slug, Title = "Title of " + slug, Designation = "authentication" };
            configure?.Invoke(flow);
            db.Set<Flow>().Add(flow);
            await db.SaveChangesAsync();
            return flow;
        });

    /// <summary>Creates a scripted stage (<paramref name="kind"/>: show, ok, deny, throw, redirect, whoami) and binds it.</summary>
    public static Task<FlowStageBinding> BindAsync(TestApp app, Flow flow, string kind, int order, string message = "",
        Action<FlowStageBinding>? configure = null) =>
        app.WithDbAsync(async db =>
        {
            var stage = new DenyStage { Name = $"{kind}-{Guid.NewGuid():N}", DenyMessage = message };
            var binding = new FlowStageBinding { TargetId = flow.Id, Stage = stage, Order = order, ReEvaluatePolicies = false };
            configure?.Invoke(binding);
            db.Add(stage);
            db.Add(binding);
            await db.SaveChangesAsync();
            return binding;
        });

    public static Task<PolicyBinding> BindPolicyAsync(TestApp app, Action<PolicyBinding> target, Policy? policy = null, Guid? group = null, int? user = null,
        bool negate = false, bool enabled = true, int order = 0, bool failureResult = false) =>
        app.WithDbAsync(async db =>
        {
            var binding = new PolicyBinding { PolicyId = policy?.Id, GroupId = group, UserId = user, Negate = negate, Enabled = enabled, Order = order, FailureResult = failureResult };
            target(binding);
            db.Add(binding);
            await db.SaveChangesAsync();
            return binding;
        });

    public static Task<Warden.Policies.PendingUser.PendingUserIsNotRequestUserPolicy> CreatePendingUserPolicyAsync(TestApp app) =>
        app.WithDbAsync(async db =>
        {
            var policy = new Warden.Policies.PendingUser.PendingUserIsNotRequestUserPolicy { Name = "pending-" + Guid.NewGuid().ToString("N") };
            db.Add(policy);
            await db.SaveChangesAsync();
            return policy;
        });

    public static Task<Group> CreateGroupAsync(TestApp app, Guid? parent = null, params User[] members) =>
        app.WithDbAsync(async db =>
        {
            var group = new Group { Name = "group-" + Guid.NewGuid().ToString("N") };
            if (parent is { } p)
            {
                group.Parents.Add(await db.Groups.SingleAsync(g => g.Id == p));
            }
            foreach (var member in members)
            {
                group.Users.Add(await db.Users.SingleAsync(u => u.Id == member.Id));
            }
            db.Groups.Add(group);
            await db.SaveChangesAsync();
            return group;
        });

    public static Task AddToGroupAsync(TestApp app, User user, Group group) =>
        app.WithDbAsync(async db =>
        {
            var g = await db.Groups.Include(x => x.Users).SingleAsync(x => x.Id == group.Id);
            g.Users.Add(await db.Users.SingleAsync(u => u.Id == user.Id));
            await db.SaveChangesAsync();
        });

    /// <summary>A browser without a login: an anonymous session row and its cookie (no CSRF needed without a login).</summary>
    public static async Task<(HttpClient Client, string SessionKey)> AnonymousSessionAsync(TestApp app)
    {
        var key = SessionStore.NewKey();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.Sessions.Add(new Session { SessionKey = key, Expires = now.AddDays(1), LastUsed = now, LastIp = "127.0.0.1" });
            await db.SaveChangesAsync();
        });
        return (WithCookie(app, key), key);
    }

    /// <summary>A client of <paramref name="app"/> that sends this session cookie (e.g. one another server instance set).</summary>
    public static HttpClient WithCookie(TestApp app, string sessionKey)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{SessionStore.CookieName}={sessionKey}");
        return client;
    }

    public static string ExecutorUrl(Flow flow, string query = "") =>
        $"/api/v3/flows/executor/{flow.Slug}/?query={Uri.EscapeDataString(query)}";

    /// <summary>The plan stored in the session row, or null.</summary>
    public static Task<JsonObject?> StoredPlanAsync(TestApp app, string sessionKey) =>
        app.WithDbAsync(async db =>
        {
            var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.SessionKey == sessionKey);
            return session.Data[FlowPlan.SessionKey] as JsonObject;
        });

    public static string FlowInfoJson(Flow flow, string? title = null) => $$"""
        {"title": "{{title ?? flow.Title}}", "background": "{{FlowExecutor.DefaultBackground}}", "cancel_url": "/flows/-/cancel/", "layout": "{{flow.Layout}}"}
        """;
}
