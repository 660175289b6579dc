using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Brands;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;
using Warden.Policies;
using Warden.Rbac;

namespace Warden.Flows;

/// <summary>
/// authentik's <c>FlowExecutorView</c>: continues the session's plan for the flow (or plans it), runs the current
/// stage, and turns what the stage decided into the executor's answer:
/// <list type="bullet">
/// <item>a challenge to show (200, with <c>flow_info</c>);</item>
/// <item>the stage is done and stages remain: a raw 302 to the executor's own URL, which the browser follows with a
/// GET for the next stage's challenge;</item>
/// <item>the flow is done: <c>xak-flow-redirect</c> to the inner query's <c>next</c> (relative URLs only) or <c>/</c>;</item>
/// <item>the stage is invalid: the plan is cancelled and <c>ak-stage-access-denied</c> answered (or the flow
/// restarts, per the binding's <c>invalid_response_action</c>);</item>
/// <item>an unexpected error: <c>ak-stage-flow-error</c> with the request id.</item>
/// </list>
/// The plan lives in the session row only (<see cref="FlowPlans"/>), so any node can serve any request of a flow.
/// </summary>
public sealed partial class FlowExecutor(
    WardenDbContext db, FlowPlanner planner, FlowPlans plans, PolicyEngine policies, StageTypes stageTypes,
    Permissions permissions, BrandResolver brands, AuditLog audit, ILogger<FlowExecutor> logger)
{
    /// <summary>authentik's <c>NEXT_ARG_NAME</c>.</summary>
    public const string NextParameter = "next";

    /// <summary>A plan context key set by authentik itself to end the flow somewhere else than <c>next</c>.</summary>
    public const string RedirectKey = "redirect";

    /// <summary>Shown in place of the pending user by stages that saw an identifier but matched no user.</summary>
    public const string PendingUserIdentifierKey = "pending_user_identifier";

    public const string DefaultAvatar = "/static/dist/assets/images/user_default.png";
    public const string DefaultBackground = "/static/dist/assets/images/flow_background.jpg";
    public const string InvalidNextMessage = "Invalid next URL";

    private sealed class Execution
    {
        public required HttpContext Http { get; init; }
        public required Flow Flow { get; init; }

        /// <summary>The inner query (what the flow interface was opened with), as authentik's session GET.</summary>
        public required JsonObject Get { get; init; }

        public FlowPlan? Plan { get; set; }
        public FlowStageBinding? Binding { get; set; }
    }

    /// <summary>Answers GET (<paramref name="answer"/> null) or POST of the executor for the flow named by <paramref name="slug"/>.</summary>
    public async Task<IResult> ExecuteAsync(HttpContext http, string slug, JsonObject? answer, CancellationToken cancellationToken)
    {
        var flow = await db.Set<Flow>().AsNoTracking().FirstOrDefaultAsync(f => f.Slug == slug, cancellationToken);
        if (flow is null)
        {
            return ApiErrors.NotFound("Flow");
        }
        var run = new Execution { Http = http, Flow = flow, Get = InnerQuery(http) };
        var plan = FlowPlans.Load(http);
        if (plan is not null && plan.FlowId != flow.Id)
        {
            // Only one flow runs per session: starting another one ends the previous plan.
            LogOtherFlowPlan(logger, flow.Slug, plan.FlowId);
            await plans.DiscardAsync(http, cancellationToken);
            plan = null;
        }
        if (plan is null)
        {
            var outcome = await planner.PlanAsync(http, flow, cancellationToken: cancellationToken);
            switch (outcome)
            {
                case PlanOutcome.NotApplicable notApplicable:
                    // An authentication flow for someone who is already logged in just continues to next.
                    if (flow.Designation == "authentication" && http.CurrentUser() is not null)
                    {
                        return await FlowDoneAsync(run, cancellationToken);
                    }
                    LogNotApplicable(logger, flow.Slug);
                    return await HandleInvalidFlowAsync(run, notApplicable.Messages, cancellationToken);
                case PlanOutcome.Empty:
                    return await FlowDoneAsync(run, cancellationToken);
                case PlanOutcome.Planned planned:
                    plan = planned.Plan;
                    break;
            }
        }
        run.Plan = plan!;
        run.Plan.Context[PlanContext.GetParams] = run.Get.DeepClone();
        await plans.SaveAsync(http, run.Plan, cancellationToken);
        return await RunStageAsync(run, answer, cancellationToken);
    }

    /// <summary>GET /flows/-/cancel/: ends the session's plan.</summary>
    public Task CancelAsync(HttpContext http, CancellationToken cancellationToken) => plans.DiscardAsync(http, cancellationToken);

    private async Task<IResult> RunStageAsync(Execution run, JsonObject? answer, CancellationToken cancellationToken)
    {
        var http = run.Http;
        var plan = run.Plan!;
        FlowStageBinding binding;
        while (true)
        {
            if (plan.Bindings.Count == 0)
            {
                return await FlowDoneAsync(run, cancellationToken);
            }
            var planned = plan.Bindings[0];
            var found = await db.Set<FlowStageBinding>().AsNoTracking()
                .FirstOrDefaultAsync(b => b.Id == planned.BindingId && b.TargetId == run.Flow.Id, cancellationToken);
            if (found is null)
            {
                // The binding was deleted after planning: the plan no longer describes the flow, end it.
                LogStaleBinding(logger, run.Flow.Slug, planned.BindingId);
                return await StageInvalidAsync(run, null, cancellationToken);
            }
            if (planned.ReEvaluate)
            {
                var user = await PendingUserAsync(http, plan, cancellationToken);
                var result = await policies.EvaluateAsync(found, new PolicyRequest(user, http, plan.Context), cancellationToken);
                if (!result.Passing)
                {
                    plan.Bindings.RemoveAt(0);
                    await plans.SaveAsync(http, plan, cancellationToken);
                    continue;
                }
            }
            binding = found;
            break;
        }
        run.Binding = binding;

        var stage = await db.Set<Stage>().FirstOrDefaultAsync(s => s.Id == binding.StageId, cancellationToken);
        if (stage is null || !stageTypes.TryFor(stage.GetType(), out var type))
        {
            LogUnknownStage(logger, binding.StageId);
            return await StageInvalidAsync(run, null, cancellationToken);
        }
        await LoadNavigationsAsync(stage, cancellationToken);
        var stageRun = new StageRun
        {
            Http = http,
            Flow = run.Flow,
            Binding = binding,
            Stage = stage,
            Plan = plan,
            FlowInfo = await FlowInfoAsync(run, cancellationToken),
            PendingUserAsync = ct => PendingUserAsync(http, plan, ct),
        };

        StageResult outcome;
        try
        {
            var executor = (IStageExecutor)http.RequestServices.GetRequiredService(type.Executor);
            outcome = answer is null
                ? await executor.GetAsync(stageRun, cancellationToken)
                : await executor.PostAsync(stageRun, answer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return await FlowErrorAsync(run, ex, cancellationToken);
        }

        switch (outcome)
        {
            case StageResult.ShowChallenge show:
                await plans.SaveIfSessionAsync(http, plan, cancellationToken);
                var challenge = show.Challenge.FlowInfo is null ? show.Challenge with { FlowInfo = stageRun.FlowInfo } : show.Challenge;
                return Challenge(challenge);
            case StageResult.Done:
                plan.Bindings.RemoveAt(0);
                if (plan.Bindings.Count > 0)
                {
                    await plans.SaveAsync(http, plan, cancellationToken);
                    return ToSelf(http);
                }
                return await FlowDoneAsync(run, cancellationToken);
            case StageResult.Denied denied:
                return await StageInvalidAsync(run, denied.Message, cancellationToken);
            case StageResult.RedirectTo redirect:
                await plans.SaveIfSessionAsync(http, plan, cancellationToken);
                return Redirect(http, redirect.To);
            default:
                throw new InvalidOperationException($"Unknown stage result {outcome.GetType().Name}.");
        }
    }

    /// <summary>authentik's <c>_flow_done</c>: the plan ends; the browser goes to <c>next</c> when it is relative, else to <c>/</c>.</summary>
    private async Task<IResult> FlowDoneAsync(Execution run, CancellationToken cancellationToken)
    {
        if (run.Plan?.Context[RedirectKey] is JsonValue value && value.TryGetValue<string>(out var to) && to.Length > 0)
        {
            // Only Warden itself puts "redirect" into a plan's context, so it is trusted as authentik trusts it.
            await plans.DiscardAsync(run.Http, cancellationToken);
            return Redirect(run.Http, to);
        }
        var next = run.Get[NextParameter] is JsonValue nextValue && nextValue.TryGetValue<string>(out var n) ? n : "/";
        await plans.DiscardAsync(run.Http, cancellationToken);
        if (IsRelativeUrl(next))
        {
            return Redirect(run.Http, next);
        }
        return await StageInvalidAsync(run, InvalidNextMessage, cancellationToken);
    }

    /// <summary>
    /// authentik's <c>handle_invalid_flow</c>, by the flow's <c>denied_action</c>. As in authentik, <c>next</c> is read
    /// from the executor request's own query here (not the inner one).
    /// </summary>
    private async Task<IResult> HandleInvalidFlowAsync(Execution run, string messages, CancellationToken cancellationToken)
    {
        var deniedAction = run.Flow.DeniedAction;
        if (deniedAction is "continue" or "message_continue")
        {
            var next = run.Http.Request.Query[NextParameter].ToString();
            if (next.Length > 0 && IsRelativeUrl(next))
            {
                return Redirect(run.Http, next);
            }
        }
        if (deniedAction == "continue")
        {
            return Redirect(run.Http, "/");
        }
        return await StageInvalidAsync(run, messages, cancellationToken);
    }

    /// <summary>authentik's <c>stage_invalid</c>: restart when the binding says so, else cancel and deny.</summary>
    private async Task<IResult> StageInvalidAsync(Execution run, string? message, CancellationToken cancellationToken)
    {
        if (run.Binding?.InvalidResponseAction is "restart" or "restart_with_context")
        {
            return await RestartAsync(run, keepContext: run.Binding.InvalidResponseAction == "restart_with_context", cancellationToken);
        }
        await plans.DiscardAsync(run.Http, cancellationToken);
        var (username, avatar) = await DisplayUserAsync(run.Http, run.Plan, cancellationToken);
        return Challenge(new AccessDeniedChallenge(username, avatar, string.IsNullOrEmpty(message) ? "Unknown error" : message)
        {
            FlowInfo = await FlowInfoAsync(run, cancellationToken),
        });
    }

    /// <summary>authentik's <c>restart_flow</c>: a fresh plan (optionally with the current context), then back to the executor.</summary>
    private async Task<IResult> RestartAsync(Execution run, bool keepContext, CancellationToken cancellationToken)
    {
        var outcome = await planner.PlanAsync(run.Http, run.Flow, keepContext ? run.Plan?.Context : null, useCache: false, cancellationToken);
        switch (outcome)
        {
            case PlanOutcome.Planned planned:
                planned.Plan.Context[PlanContext.GetParams] = run.Get.DeepClone();
                await plans.SaveAsync(run.Http, planned.Plan, cancellationToken);
                return ToSelf(run.Http);
            case PlanOutcome.NotApplicable notApplicable:
                run.Binding = null;
                run.Plan = null;
                return await HandleInvalidFlowAsync(run, notApplicable.Messages, cancellationToken);
            default:
                run.Plan = null;
                return await FlowDoneAsync(run, cancellationToken);
        }
    }

    /// <summary>An unexpected error: logged and recorded with the request id; the details only for superusers.</summary>
    private async Task<IResult> FlowErrorAsync(Execution run, Exception exception, CancellationToken cancellationToken)
    {
        var http = run.Http;
        LogStageError(logger, exception, run.Flow.Slug, http.TraceIdentifier);
        await audit.WriteAsync(http, EventActions.SystemException, new JsonObject
        {
            ["message"] = "System exception during flow execution.",
            ["exception"] = new JsonObject
            {
                ["exc_type"] = exception.GetType().Name,
                ["exc_value"] = exception.Message,
            },
        }, "authentik.flows.views.executor", cancellationToken: cancellationToken);
        var user = http.CurrentUser();
        // A stack trace tells an attacker about the server; only superusers get to see it.
        var details = user is not null && await permissions.IsSuperuserAsync(user, cancellationToken);
        return Challenge(new FlowErrorChallenge(http.TraceIdentifier, details ? exception.Message : null, details ? exception.ToString() : null));
    }

    private static IResult Challenge(Challenge challenge) => TypedResults.Json(challenge, ApiJson.Options);

    /// <summary>The raw 302 to the executor's own URL, as authentik sends it between stages.</summary>
    private static IResult ToSelf(HttpContext http) =>
        TypedResults.Redirect(http.Request.PathBase + http.Request.Path + http.Request.QueryString);

    /// <summary>authentik's <c>to_stage_response</c> for a redirect: to the current URL itself a raw 302, anything else a challenge.</summary>
    private static IResult Redirect(HttpContext http, string to)
    {
        var self = (http.Request.PathBase + http.Request.Path + http.Request.QueryString).ToString();
        return to == self ? TypedResults.Redirect(to) : Challenge(new RedirectChallenge(to));
    }

    /// <summary>
    /// Only a URL on this server may be a <c>next</c> target, so a crafted link cannot send a person who just logged in
    /// to another site: no scheme, no host, and none of the prefixes browsers read as a host (<c>//</c>, <c>/\</c>).
    /// </summary>
    public static bool IsRelativeUrl(string url)
    {
        if (url.Length == 0 || url.Any(char.IsControl) || char.IsWhiteSpace(url[0]))
        {
            return false;
        }
        if (url.StartsWith("//", StringComparison.Ordinal) || url.StartsWith("/\\", StringComparison.Ordinal) || url.StartsWith('\\'))
        {
            return false;
        }
        return !SchemePrefix().IsMatch(url);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex SchemePrefix();

    /// <summary>The executor's <c>query</c> parameter, parsed (the last value of a repeated key wins, as Django's QueryDict.get).</summary>
    private static JsonObject InnerQuery(HttpContext http)
    {
        var result = new JsonObject();
        var inner = http.Request.Query["query"].ToString();
        foreach (var (key, values) in QueryHelpers.ParseQuery(inner))
        {
            result[key] = values.Count == 0 ? "" : values[^1];
        }
        return result;
    }

    /// <summary>authentik's <c>get_pending_user</c>: the plan's pending user, else the request's user.</summary>
    private async Task<User?> PendingUserAsync(HttpContext http, FlowPlan? plan, CancellationToken cancellationToken)
    {
        if (plan?.PendingUserId() is { } pk)
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == pk, cancellationToken);
            if (user is not null)
            {
                return user;
            }
        }
        return http.CurrentUser();
    }

    /// <summary>The user shown on a challenge (<c>get_pending_user(for_display=True)</c>): the typed identifier wins.</summary>
    private async Task<(string Username, string Avatar)> DisplayUserAsync(HttpContext http, FlowPlan? plan, CancellationToken cancellationToken)
    {
        if (plan?.Context[PendingUserIdentifierKey] is JsonValue identifier && identifier.TryGetValue<string>(out var typed))
        {
            return (typed, Avatars.For(new User { Username = typed }));
        }
        var user = await PendingUserAsync(http, plan, cancellationToken);
        return user is null ? ("", DefaultAvatar) : (user.Username, Avatars.For(user));
    }

    private async Task<ContextualFlowInfo> FlowInfoAsync(Execution run, CancellationToken cancellationToken)
    {
        var (username, _) = await DisplayUserAsync(run.Http, run.Plan, cancellationToken);
        return new ContextualFlowInfo(
            FlowTitle.Format(run.Flow.Title, username),
            await BackgroundUrlAsync(run.Http, run.Flow, brands, cancellationToken),
            ContextualFlowInfo.DefaultCancelUrl,
            run.Flow.Layout);
    }

    /// <summary>authentik's <c>Flow.background_url</c>: the flow's own background, else the brand's default.</summary>
    public static async Task<string> BackgroundUrlAsync(HttpContext http, Flow flow, BrandResolver brands, CancellationToken cancellationToken)
    {
        if (flow.Background.Length > 0)
        {
            return flow.Background;
        }
        var brand = await brands.ResolveAsync(http, cancellationToken);
        return brand is { BrandingDefaultFlowBackground.Length: > 0 } ? brand.BrandingDefaultFlowBackground : DefaultBackground;
    }

    /// <summary>Loads what the stage's own type refers to (its prompts, its password stage, ...), not its bindings.</summary>
    private async Task LoadNavigationsAsync(Stage stage, CancellationToken cancellationToken)
    {
        foreach (var navigation in db.Entry(stage).Navigations)
        {
            if (navigation.Metadata.Name != nameof(Stage.Bindings) && !navigation.IsLoaded)
            {
                await navigation.LoadAsync(cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Found existing plan for other flow {OtherFlow}, deleting plan (starting {FlowSlug})")]
    private static partial void LogOtherFlowPlan(ILogger logger, string flowSlug, Guid otherFlow);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Flow {FlowSlug} not applicable to current user")]
    private static partial void LogNotApplicable(ILogger logger, string flowSlug);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Flow {FlowSlug}: planned binding {BindingId} no longer exists")]
    private static partial void LogStaleBinding(ILogger logger, string flowSlug, Guid bindingId);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Stage {StageId} has no registered type")]
    private static partial void LogUnknownStage(ILogger logger, Guid stageId);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Error, Message = "Unexpected error in flow {FlowSlug}, request {RequestId}")]
    private static partial void LogStageError(ILogger logger, Exception exception, string flowSlug, string requestId);
}

/// <summary>authentik's <c>format_title</c>: the flow title with <c>%(app)s</c> and <c>%(user)s</c> filled in.</summary>
public static class FlowTitle
{
    public static string Format(string title, string username, string app = "")
    {
        if (!title.Contains('%', StringComparison.Ordinal))
        {
            return title;
        }
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < title.Length; i++)
        {
            if (title[i] != '%')
            {
                result.Append(title[i]);
                continue;
            }
            var rest = title.AsSpan(i);
            if (rest.StartsWith("%%"))
            {
                result.Append('%');
                i++;
            }
            else if (rest.StartsWith("%(app)s"))
            {
                result.Append(app);
                i += "%(app)s".Length - 1;
            }
            else if (rest.StartsWith("%(user)s"))
            {
                result.Append(username);
                i += "%(user)s".Length - 1;
            }
            else
            {
                // Python's % fails on anything else; authentik then shows the title as it is.
                return title;
            }
        }
        return result.ToString();
    }
}
