using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core;
using Warden.Flows;
using Warden.Policies;
using Warden.Policies.PendingUser;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Flows.FlowFixtures;

namespace Warden.Tests.Policies;

public sealed class PolicyEngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class ThrowingEvaluator : IPolicyEvaluator
    {
        public Type PolicyType => typeof(PendingUserIsNotRequestUserPolicy);

        public Task<PolicyResult> EvaluateAsync(Policy policy, PolicyRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy exploded");
    }

    private static async Task<PolicyResult> EvaluateAsync(TestApp app, Flow flow, User? user, User? requestUser = null, JsonObject? context = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Identity().User = requestUser ?? user;
        var engine = scope.ServiceProvider.GetRequiredService<PolicyEngine>();
        return await engine.EvaluateAsync(flow, new PolicyRequest(user, http, context ?? []), Ct);
    }

    private static Task<Flow> FlowAsync(TestApp app, string mode) => CreateFlowAsync(app, configure: f => f.PolicyEngineMode = mode);

    [Theory, Providers]
    public async Task ATargetWithoutBindingsPasses(string provider)
    {
        await using var app = await StartAsync(provider);
        var flow = await FlowAsync(app, "all");

        var result = await EvaluateAsync(app, flow, null);

        Assert.True(result.Passing);
        Assert.Empty(result.Messages);
    }

    [Theory, Providers]
    public async Task ModeAllNeedsEveryBindingAndModeAnyOne(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var all = await FlowAsync(app, "all");
        var any = await FlowAsync(app, "any");
        foreach (var flow in new[] { all, any })
        {
            await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: user.Id, order: 0);
            await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: other.Id, order: 1);
        }

        Assert.False((await EvaluateAsync(app, all, user)).Passing);
        Assert.True((await EvaluateAsync(app, any, user)).Passing);
        Assert.True((await EvaluateAsync(app, any, other)).Passing);
        Assert.False((await EvaluateAsync(app, any, null)).Passing);
    }

    [Theory, Providers]
    public async Task NegateInvertsABindingsResult(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var flow = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: other.Id, negate: true);

        Assert.True((await EvaluateAsync(app, flow, user)).Passing);
        Assert.False((await EvaluateAsync(app, flow, other)).Passing);
    }

    [Theory, Providers]
    public async Task DisabledBindingsAreIgnored(string provider)
    {
        await using var app = await StartAsync(provider);
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var flow = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: other.Id, enabled: false);
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: user.Id);

        Assert.True((await EvaluateAsync(app, flow, user)).Passing);
        Assert.False((await EvaluateAsync(app, flow, other)).Passing);
    }

    [Theory, Providers]
    public async Task AGroupBindingPassesForMembersOfTheGroupOrOfItsChildren(string provider)
    {
        await using var app = await StartAsync(provider);
        var direct = await app.CreateUserAsync();
        var viaChild = await app.CreateUserAsync();
        var viaParentOnly = await app.CreateUserAsync();
        var outsider = await app.CreateUserAsync();
        var parent = await CreateGroupAsync(app, null, viaParentOnly);
        var group = await CreateGroupAsync(app, parent.Id, direct);
        await CreateGroupAsync(app, group.Id, viaChild);
        var flow = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, group: group.Id);

        Assert.True((await EvaluateAsync(app, flow, direct)).Passing);
        Assert.True((await EvaluateAsync(app, flow, viaChild)).Passing);
        Assert.False((await EvaluateAsync(app, flow, viaParentOnly)).Passing);
        Assert.False((await EvaluateAsync(app, flow, outsider)).Passing);
        Assert.False((await EvaluateAsync(app, flow, null)).Passing);
    }

    [Theory, Providers]
    public async Task TheBindingsJudgeThePolicyUserNotTheRequestUser(string provider)
    {
        await using var app = await StartAsync(provider);
        var pending = await app.CreateUserAsync();
        var caller = await app.CreateUserAsync();
        var flow = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, user: pending.Id);

        Assert.True((await EvaluateAsync(app, flow, pending, requestUser: caller)).Passing);
        Assert.False((await EvaluateAsync(app, flow, caller, requestUser: pending)).Passing);
    }

    [Theory, Providers]
    public async Task ThePendingUserPolicyPassesOnlyForSomeoneElsesPendingUser(string provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var policy = await CreatePendingUserPolicyAsync(app);
        var flow = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, policy: policy);

        Assert.True((await EvaluateAsync(app, flow, target, admin, new JsonObject { [PlanContext.PendingUser] = target.Id })).Passing);
        Assert.False((await EvaluateAsync(app, flow, admin, admin, new JsonObject { [PlanContext.PendingUser] = admin.Id })).Passing);
        Assert.False((await EvaluateAsync(app, flow, admin, admin)).Passing);
        // Nobody logged in and someone's account in the plan: that is someone else's account.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            var result = await scope.ServiceProvider.GetRequiredService<PolicyEngine>()
                .EvaluateAsync(flow, new PolicyRequest(target, http, new JsonObject { [PlanContext.PendingUser] = target.Id }), Ct);
            Assert.True(result.Passing);
        }
    }

    [Theory, Providers]
    public async Task APolicyThatThrowsTakesTheBindingsFailureResultRegardlessOfNegate(string provider)
    {
        await using var app = await StartAsync(provider, services: s =>
        {
            s.RemoveAll<IPolicyEvaluator>();
            s.AddSingleton<IPolicyEvaluator, ThrowingEvaluator>();
        });
        var user = await app.CreateUserAsync();
        var policy = await CreatePendingUserPolicyAsync(app);
        var failsOpen = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = failsOpen.Id, policy: policy, failureResult: true, negate: true);
        var failsClosed = await FlowAsync(app, "all");
        await BindPolicyAsync(app, b => b.TargetFlowId = failsClosed.Id, policy: policy, failureResult: false);

        var open = await EvaluateAsync(app, failsOpen, user);
        Assert.True(open.Passing);
        Assert.Equal(["policy exploded"], open.Messages);
        var closed = await EvaluateAsync(app, failsClosed, user);
        Assert.False(closed.Passing);
        Assert.Equal(["policy exploded"], closed.Messages);
    }

    [Theory, Providers]
    public async Task APolicyTypeWithoutEvaluatorTakesTheFailureResult(string provider)
    {
        await using var app = await StartAsync(provider, services: s => s.RemoveAll<IPolicyEvaluator>());
        var user = await app.CreateUserAsync();
        var policy = await CreatePendingUserPolicyAsync(app);
        var flow = await FlowAsync(app, "any");
        await BindPolicyAsync(app, b => b.TargetFlowId = flow.Id, policy: policy, negate: true);

        var result = await EvaluateAsync(app, flow, user);

        Assert.False(result.Passing);
        Assert.Equal(["Policy type PendingUserIsNotRequestUserPolicy cannot be evaluated."], result.Messages);
    }
}
