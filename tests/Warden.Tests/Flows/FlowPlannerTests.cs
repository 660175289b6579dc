using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Flows;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Flows.FlowFixtures;

namespace Warden.Tests.Flows;

public sealed class FlowPlannerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Plans as the executor or the lockdown trigger would, for a request made by <paramref name="caller"/>.</summary>
    public static async Task<PlanOutcome> PlanAsync(TestApp app, Flow flow, User? caller, JsonObject? context = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Identity().User = caller;
        http.Identity().AuthenticatedBy = caller is null ? AuthenticatedBy.None : AuthenticatedBy.Session;
        return await scope.ServiceProvider.GetRequiredService<FlowPlanner>().PlanAsync(http, flow, context, useCache: false, Ct);
    }

    private static void AssertNotApplicable(PlanOutcome outcome, string message = FlowPlanner.NotApplicableMessage) =>
        Assert.Equal(message, Assert.IsType<PlanOutcome.NotApplicable>(outcome).Messages);

    private static FlowPlan AssertPlanned(PlanOutcome outcome) => Assert.IsType<PlanOutcome.Planned>(outcome).Plan;

    [Theory, Providers]
    public async Task NoRequirementAppliesToEveryone(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = "none");
        await BindAsync(app, flow, "ok", 10);

        AssertPlanned(await PlanAsync(app, flow, null));
        AssertPlanned(await PlanAsync(app, flow, user));
    }

    [Theory, Providers]
    public async Task RequireAuthenticatedRefusesAnonymousCallers(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = "require_authenticated");
        await BindAsync(app, flow, "ok", 10);

        AssertNotApplicable(await PlanAsync(app, flow, null));
        AssertPlanned(await PlanAsync(app, flow, user));
    }

    [Theory, Providers]
    public async Task RequireUnauthenticatedRefusesLoggedInCallers(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = "require_unauthenticated");
        await BindAsync(app, flow, "ok", 10);

        AssertNotApplicable(await PlanAsync(app, flow, user));
        AssertPlanned(await PlanAsync(app, flow, null));
    }

    [Theory, Providers]
    public async Task RequireSuperuserRefusesEveryoneButSuperusers(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = "require_superuser");
        await BindAsync(app, flow, "ok", 10);

        AssertNotApplicable(await PlanAsync(app, flow, null));
        AssertNotApplicable(await PlanAsync(app, flow, user));
        AssertPlanned(await PlanAsync(app, flow, admin));
    }

    [Theory, Providers]
    public async Task RequireRedirectNeedsIsRedirectedInTheContext(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = "require_redirect");
        await BindAsync(app, flow, "ok", 10);

        AssertNotApplicable(await PlanAsync(app, flow, user));
        var plan = AssertPlanned(await PlanAsync(app, flow, null, new JsonObject { ["is_redirected"] = true }));
        Assert.True(plan.Context["is_redirected"]?.GetValue<bool>());
    }

    [Theory]
    [InlineData("require_outpost")]
    [InlineData("require_token")]
    [InlineData("something_else")]
    public async Task RequirementsWardenCannotMeetNeverApply(string requirement)
    {
        await using var app = await StartAsync(TestDatabase.Sqlite);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, configure: f => f.Authentication = requirement);
        await BindAsync(app, flow, "ok", 10);

        AssertNotApplicable(await PlanAsync(app, flow, admin));
        AssertNotApplicable(await PlanAsync(app, flow, null, new JsonObject { ["is_redirected"] = true }));
    }

    [Theory, Providers]
    public async Task FlowPoliciesJudgeThePendingUserWhenTheContextHasOne(string provider)
    {
        await using var app = await StartAsync(provider);
        var caller = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "ok", 10);
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: target.Id);

        AssertNotApplicable(await PlanAsync(app, flow, caller));
        var plan = AssertPlanned(await PlanAsync(app, flow, caller, new JsonObject { [PlanContext.PendingUser] = target.Id }));
        Assert.Equal(target.Id, plan.PendingUserId());
        AssertNotApplicable(await PlanAsync(app, flow, target, new JsonObject { [PlanContext.PendingUser] = caller.Id }));
    }

    [Theory, Providers]
    public async Task AFlowWithoutStagesIsEmpty(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);

        Assert.IsType<PlanOutcome.Empty>(await PlanAsync(app, flow, null));
    }

    [Theory, Providers]
    public async Task AFlowWhoseStagesAllFailOnPlanIsEmpty(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        var binding = await BindAsync(app, flow, "ok", 10, configure: b => b.EvaluateOnPlan = true);
        await BindPolicyAsync(app, b => b.TargetBindingId = binding.Id, user: other.Id);

        Assert.IsType<PlanOutcome.Empty>(await PlanAsync(app, flow, user));
        AssertPlanned(await PlanAsync(app, flow, other));
    }

    [Theory, Providers]
    public async Task StagesArePlannedInBindingOrderWithReEvaluationMarked(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await CreateFlowAsync(app);
        var third = await BindAsync(app, flow, "ok", 30);
        var first = await BindAsync(app, flow, "ok", 10, configure: b => b.ReEvaluatePolicies = true);
        var second = await BindAsync(app, flow, "ok", 20, configure: b => { b.EvaluateOnPlan = true; b.ReEvaluatePolicies = true; });
        var otherFlow = await CreateFlowAsync(app);
        await BindAsync(app, otherFlow, "ok", 15);

        var plan = AssertPlanned(await PlanAsync(app, flow, null, new JsonObject { ["seed"] = "kept" }));

        Assert.Equal(flow.Id, plan.FlowId);
        Assert.Equal([new PlannedBinding(first.Id, true), new PlannedBinding(second.Id, true), new PlannedBinding(third.Id, false)], plan.Bindings);
        Assert.Equal("kept", plan.Context["seed"]?.GetValue<string>());
    }

    [Theory, Providers]
    public async Task EvaluateOnPlanDropsFailingStagesButReEvaluatedOnesAreKeptForLater(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        var onPlan = await BindAsync(app, flow, "ok", 10, configure: b => { b.EvaluateOnPlan = true; b.ReEvaluatePolicies = false; });
        await BindPolicyAsync(app, b => b.TargetBindingId = onPlan.Id, user: other.Id);
        var later = await BindAsync(app, flow, "ok", 20, configure: b => b.ReEvaluatePolicies = true);
        await BindPolicyAsync(app, b => b.TargetBindingId = later.Id, user: other.Id);
        var plain = await BindAsync(app, flow, "ok", 30);
        await BindPolicyAsync(app, b => b.TargetBindingId = plain.Id, user: other.Id);

        var plan = AssertPlanned(await PlanAsync(app, flow, user));

        Assert.Equal([new PlannedBinding(later.Id, true), new PlannedBinding(plain.Id, false)], plan.Bindings);
    }

    [Theory, Providers]
    public async Task ThePendingUserPolicyIncludesAStageOnlyWhenSomeoneElseIsActedOn(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var policy = await CreatePendingUserPolicyAsync(app);
        var flow = await CreateFlowAsync(app);
        var always = await BindAsync(app, flow, "ok", 10);
        var result = await BindAsync(app, flow, "ok", 20, configure: b => { b.EvaluateOnPlan = true; b.ReEvaluatePolicies = false; });
        await BindPolicyAsync(app, b => b.TargetBindingId = result.Id, policy: policy);

        var forOther = AssertPlanned(await PlanAsync(app, flow, admin, new JsonObject { [PlanContext.PendingUser] = target.Id }));
        var forSelf = AssertPlanned(await PlanAsync(app, flow, admin, new JsonObject { [PlanContext.PendingUser] = admin.Id }));
        var withoutPending = AssertPlanned(await PlanAsync(app, flow, admin));

        Assert.Equal([always.Id, result.Id], forOther.Bindings.Select(b => b.BindingId));
        Assert.Equal([always.Id], forSelf.Bindings.Select(b => b.BindingId));
        Assert.Equal([always.Id], withoutPending.Bindings.Select(b => b.BindingId));
    }

    [Theory, Providers]
    public async Task AFailingFlowPolicyGivesItsMessagesOrTheFallback(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app);
        await BindAsync(app, flow, "ok", 10);
        var policy = await CreatePendingUserPolicyAsync(app);
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, policy: policy);

        AssertNotApplicable(await PlanAsync(app, flow, user));
    }
}
