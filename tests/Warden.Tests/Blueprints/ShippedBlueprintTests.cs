using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Warden.Blueprints;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Flows;
using Warden.Policies;
using Warden.Policies.PendingUser;
using Warden.Stages.Identification;
using Warden.Stages.Password;
using Warden.Stages.Prompt;
using Warden.Stages.UserLogin;
using Warden.Stages.UserLogout;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Blueprints.BlueprintTestKit;

namespace Warden.Tests.Blueprints;

/// <summary>The blueprints shipped in the assembly: the default login and logout flows, and the lockdown example (test_blueprint.py).</summary>
public sealed class ShippedBlueprintTests
{
    private static readonly Dictionary<string, string?> WithDefaults = new() { ["Blueprints:ApplyDefaults"] = "true" };

    [Fact]
    public void TheShippedBlueprintsAreResolvableByTheirRelativeNames()
    {
        Assert.Equal(["default/flow-default-authentication-flow.yaml", "default/flow-default-invalidation-flow.yaml", LockdownBlueprint],
            ShippedBlueprints.Names);
        Assert.NotNull(ShippedBlueprints.Read("/default/flow-default-invalidation-flow.yaml"));
        Assert.Null(ShippedBlueprints.Read("example/nothing.yaml"));
        Assert.Equal("Example - Account lockdown flow", Blueprint.Parse(ShippedBlueprints.Read(LockdownBlueprint)!).Name);
    }

    [Theory, Providers]
    public async Task TheLockdownBlueprintIsNotAutoInstantiated(string provider)
    {
        Assert.DoesNotContain(LockdownBlueprint, ShippedBlueprints.AutoInstantiated());
        Assert.False(Blueprint.Parse(ShippedBlueprints.Read(LockdownBlueprint)!).AutoInstantiate);

        // Even licensed, starting with the defaults on applies the login and logout flows only.
        await using var app = await TestLicenses.StartLicensedAsync(provider, WithDefaults);
        await using var restarted = await RestartAsync(app);

        Assert.NotNull(await restarted.FlowAsync("default-authentication-flow"));
        Assert.Null(await restarted.FlowAsync("default-account-lockdown"));
        Assert.Null(await restarted.FlowAsync("default-account-lockdown-complete"));
    }

    [Theory, Providers]
    public async Task TheLockdownBlueprintRequiresTheLicensedContext(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var before = await app.CountsAsync();

        var unlicensed = await app.ApplyShippedAsync(LockdownBlueprint, Licensed(false));

        Assert.Equal(new BlueprintResult(0, 0, 0, 0, Skipped: 17), unlicensed);
        Assert.Null(await app.FlowAsync("default-account-lockdown"));
        Assert.Null(await app.FlowAsync("default-account-lockdown-complete"));
        Assert.Equal(before, await app.CountsAsync());

        var licensed = await app.ApplyShippedAsync(LockdownBlueprint, Licensed(true));

        Assert.Equal(new BlueprintResult(Created: 17, 0, 0, 0, 0), licensed);
        Assert.NotNull(await app.FlowAsync("default-account-lockdown"));
        Assert.NotNull(await app.FlowAsync("default-account-lockdown-complete"));
    }

    [Theory, Providers]
    public async Task WithoutAContextTheLicenceStatusDecides(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);

        Assert.Equal(17, (await app.ApplyShippedAsync(LockdownBlueprint)).Skipped);
        Assert.Null(await app.FlowAsync("default-account-lockdown"));

        await TestLicenses.InstallAsync(app);
        Assert.Equal(17, (await app.ApplyShippedAsync(LockdownBlueprint)).Created);
        Assert.NotNull(await app.FlowAsync("default-account-lockdown"));

        // A blueprint cannot claim a licence through its own context.
        await using var other = await TestLicenses.StartTrustingAsync(provider);
        var text = ShippedBlueprints.Read(LockdownBlueprint)!.Replace("entries:\n", "context:\n  goauthentik.io/enterprise/licensed: true\nentries:\n", StringComparison.Ordinal);
        Assert.Equal(17, (await other.ApplyAsync(text)).Skipped);
    }

    [Theory, Providers]
    public async Task TheLockdownBlueprintMakesEveryObjectOfTheDefaultFlows(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);

        await app.ApplyShippedAsync(LockdownBlueprint);

        var flow = (await app.FlowAsync("default-account-lockdown"))!;
        var complete = (await app.FlowAsync("default-account-lockdown-complete"))!;
        Assert.Equal(("Account Lockdown", "Lock Account", "stage_configuration", "require_authenticated"), (flow.Name, flow.Title, flow.Designation, flow.Authentication));
        Assert.Equal(("Account Lockdown Complete", "Account Locked", "stage_configuration", "none"), (complete.Name, complete.Title, complete.Designation, complete.Authentication));
        Assert.Equal([(0, "default-account-lockdown-prompt"), (10, "default-account-lockdown-stage"), (20, "default-account-lockdown-complete-prompt")],
            flow.Bindings.OrderBy(b => b.Order).Select(b => (b.Order, b.Stage.Name)));
        Assert.Equal([(0, "default-account-lockdown-self-complete-prompt")], complete.Bindings.Select(b => (b.Order, b.Stage.Name)));
        Assert.All(flow.Bindings.Concat(complete.Bindings), b => Assert.Equal((false, true), (b.EvaluateOnPlan, b.ReEvaluatePolicies)));

        // The administrator-only result: bound to the native "pending user is not the request user" policy.
        var result = flow.Bindings.Single(b => b.Order == 20);
        var policyBinding = Assert.Single(result.Policies);
        Assert.IsType<PendingUserIsNotRequestUserPolicy>(policyBinding.Policy);
        Assert.Equal(("default-account-lockdown-admin-policy", 0, true, false), (policyBinding.Policy!.Name, policyBinding.Order, policyBinding.Enabled, policyBinding.Negate));
        Assert.All(flow.Bindings.Where(b => b.Order != 20).Concat(complete.Bindings), b => Assert.Empty(b.Policies));

        await app.WithDbAsync(async db =>
        {
            var stage = await db.Set<AccountLockdownStage>().SingleAsync(s => s.Name == "default-account-lockdown-stage", Ct);
            Assert.Equal(LockdownActions.All, stage.Actions);
            Assert.Equal(complete.Id, stage.SelfServiceCompletionFlowId);

            async Task<List<Prompt>> FieldsAsync(string stageName) =>
                (await db.Set<PromptStage>().Include(s => s.Fields).SingleAsync(s => s.Name == stageName, Ct)).Fields.OrderBy(f => f.Order).ToList();

            var prompt = await FieldsAsync("default-account-lockdown-prompt");
            Assert.Equal(
                [
                    ("default-account-lockdown-field-warning", "lockdown_warning", "alert_danger", "Warning", 50, false, "", true, false),
                    ("default-account-lockdown-field-info", "lockdown_info", "alert_info", "Information", 100, false, "", true, false),
                    ("default-account-lockdown-field-reason", "lockdown_reason", "text_area", "Reason", 200, true, "This explanation will be recorded in the audit log.", false, true),
                ],
                prompt.Select(p => (p.Name, p.FieldKey, p.Type, p.Label, p.Order, p.Required, p.SubText, p.InitialValueExpression, p.PlaceholderExpression)));
            var adminResult = Assert.Single(await FieldsAsync("default-account-lockdown-complete-prompt"));
            Assert.Equal(("default-account-lockdown-field-complete", "lockdown_complete", "alert_info", "Result", 300, false, true),
                (adminResult.Name, adminResult.FieldKey, adminResult.Type, adminResult.Label, adminResult.Order, adminResult.Required, adminResult.InitialValueExpression));
            var self = Assert.Single(await FieldsAsync("default-account-lockdown-self-complete-prompt"));
            Assert.Equal(("default-account-lockdown-self-field-complete", "self_lockdown_complete", "alert_warning", "Account locked", 100, false),
                (self.Name, self.FieldKey, self.Type, self.Label, self.Order, self.Required));
            Assert.Equal("<h1>Your account has been locked</h1><p>You have been logged out of all sessions and your password has been invalidated.</p>"
                + "<p>To regain access to your account, please contact your IT administrator or security team.</p>", self.InitialValue);
            Assert.Contains("https://docs.goauthentik.io/docs/security/account-lockdown?utm_source=authentik", prompt[1].InitialValue, StringComparison.Ordinal);
            Assert.Contains("You are about to lock down your own account.", prompt[0].InitialValue, StringComparison.Ordinal);
            Assert.Contains("You are about to lock down the following account:", prompt[0].InitialValue, StringComparison.Ordinal);
            Assert.Contains("It does not lock the administrator who opened this page.", prompt[0].InitialValue, StringComparison.Ordinal);
            Assert.Contains("OAuth2 tokens and grants", prompt[0].InitialValue, StringComparison.Ordinal);
            Assert.Contains("This action cannot be easily undone.", prompt[0].InitialValue, StringComparison.Ordinal);
            Assert.Contains("Describe why you are locking your account...", prompt[2].Placeholder, StringComparison.Ordinal);
            Assert.Contains("Describe why this account is being locked down...", prompt[2].Placeholder, StringComparison.Ordinal);
            Assert.Contains("has been locked down.", adminResult.InitialValue, StringComparison.Ordinal);
        });

        // Applying it again changes nothing.
        var counts = await app.CountsAsync();
        Assert.Equal(new BlueprintResult(0, 0, 0, Unchanged: 17, 0), await app.ApplyShippedAsync(LockdownBlueprint));
        Assert.Equal(counts, await app.CountsAsync());
    }

    [Theory, Providers]
    public async Task TheDefaultFlowsAreAppliedAtStartAndSetOnTheDefaultBrand(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, WithDefaults);

        var login = (await app.FlowAsync("default-authentication-flow"))!;
        var logout = (await app.FlowAsync("default-invalidation-flow"))!;
        Assert.Equal(("Welcome to authentik!", "Welcome to authentik!", "authentication", "none"), (login.Name, login.Title, login.Designation, login.Authentication));
        Assert.Equal(("Logout", "Default Invalidation Flow", "invalidation", "none"), (logout.Name, logout.Title, logout.Designation, logout.Authentication));
        Assert.Equal([(10, "default-authentication-identification"), (100, "default-authentication-login")],
            login.Bindings.OrderBy(b => b.Order).Select(b => (b.Order, b.Stage.Name)));
        Assert.Equal([(0, "default-invalidation-logout")], logout.Bindings.Select(b => (b.Order, b.Stage.Name)));
        await app.WithDbAsync(async db =>
        {
            var identification = await db.Set<IdentificationStage>().SingleAsync(s => s.Name == "default-authentication-identification", Ct);
            var password = await db.Set<PasswordStage>().SingleAsync(s => s.Name == "default-authentication-password", Ct);
            Assert.Equal(["email", "username"], identification.UserFields);
            Assert.Equal(password.Id, identification.PasswordStageId);
            Assert.Equal(["authentik.core.auth.InbuiltBackend"], password.Backends);
            Assert.Null(password.ConfigureFlowId);
            Assert.True(await db.Set<UserLoginStage>().AnyAsync(s => s.Name == "default-authentication-login", Ct));
            Assert.True(await db.Set<UserLogoutStage>().AnyAsync(s => s.Name == "default-invalidation-logout", Ct));
            var brand = await db.Brands.SingleAsync(b => b.Default, Ct);
            Assert.Equal((login.Id, logout.Id), (brand.FlowAuthenticationId, brand.FlowInvalidationId));
        });
    }

    [Theory, Providers]
    public async Task DefaultsAreIdempotentAcrossStartsAndKeepTheOperatorsBrandChoice(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, WithDefaults);
        var counts = await app.CountsAsync();
        var login = (await app.FlowAsync("default-authentication-flow"))!;
        // The operator points the brand at another login flow and renames the default one.
        await app.ApplyAsync("""
            version: 1
            entries:
            - model: authentik_flows.flow
              id: mine
              identifiers: {slug: my-login}
              attrs: {name: Mine, title: Mine, designation: authentication}
            - model: authentik_brands.brand
              identifiers: {domain: authentik-default}
              attrs: {flow_authentication: !KeyOf mine}
            """);

        await using var restarted = await RestartAsync(app);

        Assert.Equal(counts with { Flows = counts.Flows + 1 }, await restarted.CountsAsync());
        Assert.Equal(login.Id, (await restarted.FlowAsync("default-authentication-flow"))!.Id);
        var mine = (await restarted.FlowAsync("my-login"))!;
        Assert.Equal(mine.Id, await restarted.WithDbAsync(db => db.Brands.Where(b => b.Default).Select(b => b.FlowAuthenticationId).SingleAsync(Ct)));
    }

    [Theory, Providers]
    public async Task WithDefaultsOffNothingIsApplied(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);

        Assert.Null(await app.FlowAsync("default-authentication-flow"));
        Assert.Null(await app.WithDbAsync(db => db.Brands.Where(b => b.Default).Select(b => b.FlowAuthenticationId).SingleAsync(Ct)));
    }

    [Theory, Providers]
    public async Task TheApplyCommandAppliesAShippedBlueprintOrAFileAndReportsErrors(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        var args = app.Settings.Select(s => $"--{s.Key}={s.Value}").ToList();

        var shipped = await RunAsync(["apply", LockdownBlueprint, .. args]);

        Assert.Equal("", shipped.Error);
        Assert.Equal("Blueprint \"Example - Account lockdown flow\" applied: 17 created, 0 updated, 0 deleted, 0 unchanged, 0 skipped by their conditions.",
            shipped.Output.Trim());
        Assert.Equal(0, shipped.Code);
        Assert.NotNull(await app.FlowAsync("default-account-lockdown"));

        var file = Path.Combine(Path.GetTempPath(), $"warden-bp-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(file, """
                version: 1
                metadata: {name: broken}
                entries:
                - model: authentik_stages_deny.denystage
                  identifiers: {name: cli-deny}
                - model: authentik_flows.flow
                  identifiers: {slug: cli}
                  attrs: {name: n, title: t, designation: nope}
                """, Ct);
            var broken = await RunAsync(["apply", file, .. args]);
            Assert.Equal(1, broken.Code);
            Assert.Equal("", broken.Output);
            Assert.Contains("Entry 2 (authentik_flows.flow): \"designation\": \"nope\" is not a valid choice", broken.Error, StringComparison.Ordinal);
            Assert.Contains("Nothing was applied.", broken.Error, StringComparison.Ordinal);
            Assert.False(await app.WithDbAsync(db => db.Set<Stage>().AnyAsync(s => s.Name == "cli-deny", Ct)));
        }
        finally
        {
            File.Delete(file);
        }

        var missing = await RunAsync(["apply", "example/none.yaml", .. args]);
        Assert.Equal((1, "No blueprint file or shipped blueprint named example/none.yaml.\n"), (missing.Code, missing.Error.Replace("\r\n", "\n", StringComparison.Ordinal)));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyList<string> args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BlueprintCommands.Create(Program.Build).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A second server on the same database, as a restart (or another node) would start.</summary>
    private static Task<TestApp> RestartAsync(TestApp app) => TestApp.StartAsync(app.Provider, new Dictionary<string, string?>(app.Settings));
}
