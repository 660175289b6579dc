using System.CommandLine;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Cli;

/// <summary>
/// <c>warden [serve]</c>, <c>warden migrate</c>, <c>warden version</c>, <c>warden users set-password</c>.
/// Every command builds the same application, so configuration (appsettings, environment, arguments) is shared.
/// </summary>
public static class WardenCommandLine
{
    public static async Task<int> RunAsync(string[] args, Func<string[], WebApplication> build)
    {
        var root = new RootCommand("Warden: an identity server wire-compatible with authentik's v3 API.");
        root.TreatUnmatchedTokensAsErrors = false;
        var serve = new Command("serve", "Apply pending migrations, bootstrap, and serve (the default).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((result, ct) => ServeAsync(build, result.UnmatchedTokens.ToArray(), ct));
        root.SetAction((result, ct) => ServeAsync(build, result.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(serve);

        var migrate = new Command("migrate", "Apply pending migrations, then exit.") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction(async (result, ct) =>
        {
            await using var app = build(result.UnmatchedTokens.ToArray());
            await app.Services.MigrateAsync(ct);
            Console.WriteLine("Migrations applied.");
            return 0;
        });
        root.Subcommands.Add(migrate);

        var version = new Command("version", "Print the version.");
        version.SetAction(_ =>
        {
            Console.WriteLine(typeof(WardenCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
            return 0;
        });
        root.Subcommands.Add(version);

        var users = new Command("users", "Manage users.");
        var setPassword = new Command("set-password", "Set a user's password (read from standard input, or --password).") { TreatUnmatchedTokensAsErrors = false };
        var username = new Argument<string>("username");
        var password = new Option<string?>("--password") { Description = "The new password; read from standard input when omitted." };
        setPassword.Arguments.Add(username);
        setPassword.Options.Add(password);
        setPassword.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(username)!;
            var value = result.GetValue(password) ?? Console.In.ReadLine();
            if (string.IsNullOrEmpty(value))
            {
                await Console.Error.WriteLineAsync("A password is required.");
                return 2;
            }
            await using var app = build(result.UnmatchedTokens.ToArray());
            await app.Services.MigrateAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
            await scope.ServiceProvider.GetRequiredService<Bootstrap>().RunAsync(ct);
            var user = await db.Users.FirstOrDefaultAsync(u => u.Username == name, ct);
            if (user is null || user.IsAnonymous)
            {
                await Console.Error.WriteLineAsync($"No user named {name}.");
                return 1;
            }
            user.Password = scope.ServiceProvider.GetRequiredService<PasswordHasher>().Hash(value);
            user.PasswordChangeDate = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            Console.WriteLine($"Password set for {name}.");
            return 0;
        });
        users.Subcommands.Add(setPassword);
        root.Subcommands.Add(users);

        foreach (var extra in ExtraCommands)
        {
            root.Subcommands.Add(extra(build));
        }
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>Commands added by features (licences, blueprints), each given the application builder.</summary>
    public static List<Func<Func<string[], WebApplication>, Command>> ExtraCommands { get; } = [];

    private static async Task<int> ServeAsync(Func<string[], WebApplication> build, string[] args, CancellationToken cancellationToken)
    {
        // Migrations and bootstrap run as the host starts (DatabaseStartup), before it listens.
        await using var app = build(args);
        await app.RunAsync();
        return 0;
    }
}
