using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Events;
using Warden.Flows;
using Warden.Persistence;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Enterprise.Stages.AccountLockdown;

/// <summary>
/// Runs the lockdown stage executor on a hand-built <see cref="StageRun"/>, as authentik's stage tests run the view
/// with a stub executor: the flow, its binding and the stage are real rows; the plan and the request are built here.
/// </summary>
internal sealed class LockdownStageHarness
{
    public required TestApp App { get; init; }
    public required Flow Flow { get; init; }
    public required AccountLockdownStage Stage { get; init; }
    public required FlowStageBinding Binding { get; init; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A <c>stage_configuration</c> flow with one lockdown stage (all four actions, no completion flow) at order 0.</summary>
    public static async Task<LockdownStageHarness> CreateAsync(TestApp app, Action<AccountLockdownStage>? configure = null)
    {
        var slug = "lockdown-" + Guid.NewGuid().ToString("N")[..8];
        var flow = new Flow { Name = slug, Slug = slug, Title = slug, Designation = "stage_configuration" };
        var stage = new AccountLockdownStage { Name = "lockdown-" + Guid.NewGuid().ToString("N")[..8] };
        configure?.Invoke(stage);
        var binding = new FlowStageBinding { TargetId = flow.Id, StageId = stage.Id, Order = 0 };
        await app.WithDbAsync(async db =>
        {
            db.Set<Flow>().Add(flow);
            db.Set<Stage>().Add(stage);
            db.Set<FlowStageBinding>().Add(binding);
            await db.SaveChangesAsync();
        });
        return new LockdownStageHarness { App = app, Flow = flow, Stage = stage, Binding = binding };
    }

    /// <summary>A flow for the stage to send a self-service lockdown to.</summary>
    public static async Task<Flow> CreateFlowAsync(TestApp app, string designation = "stage_configuration")
    {
        var slug = "complete-" + Guid.NewGuid().ToString("N")[..8];
        var flow = new Flow { Name = slug, Slug = slug, Title = slug, Designation = designation };
        await app.WithDbAsync(async db =>
        {
            db.Set<Flow>().Add(flow);
            await db.SaveChangesAsync();
        });
        return flow;
    }

    /// <summary>The outcome of one dispatch, and the request's session afterwards.</summary>
    public sealed record Outcome(StageResult Result, Session? SessionAfter, HttpContext Http);

    /// <summary>
    /// Dispatches the stage (GET, or POST with <paramref name="post"/>) for a request made by <paramref name="requestUser"/>
    /// (anonymous when null) in the session <paramref name="sessionKey"/> (none when null), with this plan context.
    /// </summary>
    public async Task<Outcome> DispatchAsync(User? requestUser, JsonObject context, string? sessionKey = null, JsonObject? post = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<WardenDbContext>();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = post is null ? "GET" : "POST";
        http.Request.Path = $"/api/v3/flows/executor/{Flow.Slug}/";
        http.Request.QueryString = new QueryString("?query=");
        if (sessionKey is not null)
        {
            http.Identity().Session = await services.GetRequiredService<SessionStore>().LoadAsync(sessionKey, Ct);
        }
        if (requestUser is not null)
        {
            http.Identity().User = await db.Users.AsNoTracking().SingleAsync(u => u.Id == requestUser.Id, Ct);
            http.Identity().AuthenticatedBy = AuthenticatedBy.Session;
        }
        var stage = await db.Set<AccountLockdownStage>().Include(s => s.SelfServiceCompletionFlow).SingleAsync(s => s.Id == Stage.Id, Ct);
        var flow = await db.Set<Flow>().SingleAsync(f => f.Id == Flow.Id, Ct);
        var binding = await db.Set<FlowStageBinding>().SingleAsync(b => b.Id == Binding.Id, Ct);
        var plan = new FlowPlan { FlowId = flow.Id, Bindings = [new PlannedBinding(binding.Id, false)], Context = context };
        var run = new StageRun
        {
            Http = http,
            Flow = flow,
            Binding = binding,
            Stage = stage,
            Plan = plan,
            FlowInfo = new ContextualFlowInfo(flow.Title, null, ContextualFlowInfo.DefaultCancelUrl, flow.Layout),
            PendingUserAsync = async ct => plan.PendingUserId() is { } pk
                ? await db.Users.FirstOrDefaultAsync(u => u.Id == pk, ct)
                : http.CurrentUser(),
        };
        var executor = services.GetRequiredService<StageTypes>().For(stage).Executor;
        var result = post is null
            ? await ((IStageExecutor)services.GetRequiredService(executor)).GetAsync(run, Ct)
            : await ((IStageExecutor)services.GetRequiredService(executor)).PostAsync(run, post, Ct);
        return new Outcome(result, http.Identity().Session, http);
    }

    /// <summary>authentik's <c>can_lock_user</c>, as the stage asks it.</summary>
    public async Task<bool> CanLockAsync(User actor, User target)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var lockdown = scope.ServiceProvider.GetRequiredService<Warden.Enterprise.Stages.AccountLockdown.AccountLockdown>();
        return await lockdown.CanLockAsync(await db.Users.AsNoTracking().SingleAsync(u => u.Id == actor.Id, Ct),
            await db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id, Ct), Ct);
    }

    public static JsonObject Pending(User user, JsonObject? more = null)
    {
        var context = more ?? [];
        context[PlanContext.PendingUser] = user.Id;
        return context;
    }

    public static Task<User> ReloadAsync(TestApp app, User user) =>
        app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct));

    /// <summary>authentik's <c>get_lockdown_event</c>: the <c>user_write</c> events whose action_id is <c>account_lockdown</c>.</summary>
    public static Task<List<Event>> LockdownEventsAsync(TestApp app) =>
        app.WithDbAsync(async db => (await db.Set<Event>().AsNoTracking().Where(e => e.Action == EventActions.UserWrite).ToListAsync(Ct))
            .Where(e => e.Context["action_id"]?.GetValue<string>() == "account_lockdown").ToList());

    public static Task<string> AddSessionAsync(TestApp app, User user) => app.AddSessionAsync(user);

    /// <summary>
    /// Makes saving the lockdown's audit event throw, as authentik's tests patch event creation for this action and
    /// action id; every other save goes through.
    /// </summary>
    public static void FailLockdownEvents(IServiceCollection services)
    {
        services.ConfigureDbContext<SqliteWardenDbContext>(o => o.AddInterceptors(new FailLockdownEventInterceptor()));
        services.ConfigureDbContext<PostgresWardenDbContext>(o => o.AddInterceptors(new FailLockdownEventInterceptor()));
    }

    private sealed class FailLockdownEventInterceptor : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<Event>().Any(e => e.State == EntityState.Added
                && e.Entity.Action == EventActions.UserWrite && e.Entity.Context["action_id"]?.GetValue<string>() == "account_lockdown"))
            {
                throw new InvalidOperationException("event creation failed (injected)");
            }
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }
}
