using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Blueprints;
using Warden.Flows;
using Warden.Policies;
using Warden.Stages.Prompt;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Blueprints;

internal static class BlueprintTestKit
{
    public const string LockdownBlueprint = "example/flow-default-account-lockdown.yaml";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<BlueprintResult> ApplyAsync(this TestApp app, string yaml, JsonObject? context = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BlueprintImporter>().ApplyAsync(Blueprint.Parse(yaml), context, Ct);
    }

    public static Task<BlueprintResult> ApplyShippedAsync(this TestApp app, string name, JsonObject? context = null) =>
        app.ApplyAsync(ShippedBlueprints.Read(name) ?? throw new InvalidOperationException(name), context);

    public static JsonObject Licensed(bool value) => new() { [BlueprintImporter.LicensedContextKey] = value };

    /// <summary>How many rows each table a blueprint can write holds.</summary>
    public sealed record Counts(int Flows, int Stages, int Bindings, int Prompts, int Policies, int PolicyBindings, int Brands);

    public static Task<Counts> CountsAsync(this TestApp app) => app.WithDbAsync(async db => new Counts(
        await db.Set<Flow>().CountAsync(Ct), await db.Set<Stage>().CountAsync(Ct), await db.Set<FlowStageBinding>().CountAsync(Ct),
        await db.Set<Prompt>().CountAsync(Ct), await db.Set<Policy>().CountAsync(Ct), await db.Set<PolicyBinding>().CountAsync(Ct),
        await db.Brands.CountAsync(Ct)));

    public static Task<Flow?> FlowAsync(this TestApp app, string slug) =>
        app.WithDbAsync(db => db.Set<Flow>().AsNoTracking()
            .Include(f => f.Bindings).ThenInclude(b => b.Stage)
            .Include(f => f.Bindings).ThenInclude(b => b.Policies).ThenInclude(p => p.Policy)
            .SingleOrDefaultAsync(f => f.Slug == slug, Ct));
}
