using Microsoft.EntityFrameworkCore;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Stages.Prompt;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Faults;

/// <summary>What the fault tests share: a lockdown flow on the default brand, and the settings their nodes run with.</summary>
internal static class FaultFixtures
{
    /// <summary>
    /// A lockdown flow as an administrator walks it (a required reason, then the lockdown stage with every action),
    /// set as the default brand's lockdown flow. Returns the executor path of the flow.
    /// </summary>
    public static async Task<string> LockdownFlowAsync(TestApp app, string slug)
    {
        await app.WithDbAsync(async db =>
        {
            var flow = new Flow { Name = "Lockdown", Slug = slug, Title = "Lock", Designation = "stage_configuration", Authentication = "require_authenticated" };
            var reason = new Prompt { Name = slug + "-reason", FieldKey = AccountLockdown.ReasonKey, Label = "Reason", Type = "text_area", Required = true };
            var prompt = new PromptStage { Name = slug + "-prompt", Fields = [reason] };
            var lockdown = new AccountLockdownStage { Name = slug + "-stage" };
            db.AddRange(flow, reason, prompt, lockdown);
            db.Add(new FlowStageBinding { Target = flow, Stage = prompt, Order = 0 });
            db.Add(new FlowStageBinding { Target = flow, Stage = lockdown, Order = 10 });
            (await db.Brands.FirstAsync(b => b.Default)).FlowLockdownId = flow.Id;
            await db.SaveChangesAsync();
        });
        return $"/api/v3/flows/executor/{slug}/?query=";
    }

    /// <summary>
    /// A fresh database for server processes (<see cref="WardenNode"/>) and an in-memory app on it to seed data, its
    /// clock on real time so that the sessions and licences it makes are valid for the processes.
    /// </summary>
    public static async Task<(TestApp Seeder, Dictionary<string, string?> Settings)> NodeDatabaseAsync(string provider)
    {
        var settings = TestLicenses.Trusting(await TestDatabase.CreateAsync(provider));
        settings["Blueprints:ApplyDefaults"] = "false";
        settings["Passwords:Iterations"] = "1000";
        var seeder = await TestApp.StartAsync(provider, settings);
        seeder.Clock.SetUtcNow(TimeProvider.System.GetUtcNow());
        return (seeder, settings);
    }
}
