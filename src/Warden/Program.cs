using Warden.Api;
using Warden.Api.OpenApi;
using Warden.Blueprints;
using Warden.Brands;
using Warden.Cli;
using Warden.Core;
using Warden.Enterprise.Stages.AccountLockdown;
using Warden.Enterprise;
using Warden.Flows;
using Warden.Persistence;
using Warden.Policies;
using Warden.Web;
using Warden.Rbac;
using Warden.Stages.Deny;

namespace Warden;

/// <summary>The composition root: each feature's Add… and Map… call, nothing else.</summary>
#pragma warning disable CA1052 // Not static: WebApplicationFactory<Program> needs a type argument.
public sealed class Program
#pragma warning restore CA1052
{
    // Once per process: tests start many apps through Main.
    static Program()
    {
        WardenCommandLine.ExtraCommands.Add(LicenseCommands.Create);
        WardenCommandLine.ExtraCommands.Add(BlueprintCommands.Create);
    }

    /// <summary>The <c>warden</c> command line; <c>serve</c> (the default) runs the app built below.</summary>
    public static Task<int> Main(string[] args) => WardenCommandLine.RunAsync(args, Build);

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddWardenApi();
        builder.Services.AddPersistence(builder.Configuration);
        builder.Services.AddCore(builder.Configuration);
        builder.Services.AddAccountLockdown();
        builder.Services.AddEnterprise(builder.Configuration);
        builder.Services.AddRbac();
        builder.Services.AddPolicies();
        builder.Services.AddFlows();
        builder.Services.AddBlueprints(builder.Configuration);
        builder.Services.AddDenyStage();

        var app = builder.Build();
        app.UseWardenApi();
        app.UseEnterprise();
        app.MapRootApi();
        app.MapWebInterface();
        app.MapOpenApiDocument();
        app.MapLicenseApi();
        app.MapUsersApi();
        app.MapAccountLockdownTriggerApi();
        app.MapAccountLockdownApi();
        app.MapTokensApi();
        app.MapAuthenticatedSessionsApi();
        app.MapGroupsApi();
        app.MapRolesApi();
        app.MapPermissionsApi();
        app.MapBrandsApi();
        app.MapFlowExecutorApi();
        app.MapStagesApi();
        app.MapFlowsApi();
        app.MapDenyStageApi();
        return app;
    }
}
