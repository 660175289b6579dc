using Warden.Api;
using Warden.Brands;
using Warden.Cli;
using Warden.Core;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden;

/// <summary>The composition root: each feature's Add… and Map… call, nothing else.</summary>
#pragma warning disable CA1052 // Not static: WebApplicationFactory<Program> needs a type argument.
public sealed class Program
#pragma warning restore CA1052
{
    /// <summary>The <c>warden</c> command line; <c>serve</c> (the default) runs the app built below.</summary>
    public static Task<int> Main(string[] args) => WardenCommandLine.RunAsync(args, Build);

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddWardenApi();
        builder.Services.AddPersistence(builder.Configuration);
        builder.Services.AddCore(builder.Configuration);
        builder.Services.AddRbac();

        var app = builder.Build();
        app.UseWardenApi();
        app.MapRootApi();
        app.MapGroupsApi();
        app.MapRolesApi();
        app.MapPermissionsApi();
        app.MapBrandsApi();
        return app;
    }
}
