using System.CommandLine;
using Warden.Persistence;

namespace Warden.Blueprints;

/// <summary>
/// <c>warden blueprint apply &lt;file&gt;</c> applies a blueprint file, or a shipped blueprint by its relative name
/// (e.g. <c>example/flow-default-account-lockdown.yaml</c>); <c>warden blueprint list</c> lists the shipped ones.
/// </summary>
public static class BlueprintCommands
{
    public static Command Create(Func<string[], WebApplication> build)
    {
        var blueprint = new Command("blueprint", "Apply authentik-format blueprints.");
        blueprint.Subcommands.Add(Apply(build));
        blueprint.Subcommands.Add(List());
        return blueprint;
    }

    private static Command Apply(Func<string[], WebApplication> build)
    {
        var file = new Argument<string>("file") { Description = "A blueprint file, or the name of a shipped blueprint (warden blueprint list)." };
        var command = new Command("apply", "Apply a blueprint: all of it in one transaction, or nothing.") { TreatUnmatchedTokensAsErrors = false };
        command.Arguments.Add(file);
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var name = result.GetValue(file)!;
            string text;
            if (File.Exists(name))
            {
                text = await File.ReadAllTextAsync(name, ct);
            }
            else if (ShippedBlueprints.Read(name) is { } shipped)
            {
                text = shipped;
            }
            else
            {
                await error.WriteLineAsync($"No blueprint file or shipped blueprint named {name}.");
                return 1;
            }
            Blueprint parsed;
            try
            {
                parsed = Blueprint.Parse(text);
            }
            catch (BlueprintException ex)
            {
                await error.WriteLineAsync($"{name}: {ex.Message}");
                return 1;
            }
            await using var app = build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. result.UnmatchedTokens]);
            await app.Services.MigrateAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            try
            {
                var applied = await scope.ServiceProvider.GetRequiredService<BlueprintImporter>().ApplyAsync(parsed, cancellationToken: ct);
                await output.WriteLineAsync($"Blueprint \"{parsed.Name}\" applied: {applied.Created} created, {applied.Updated} updated, "
                    + $"{applied.Deleted} deleted, {applied.Unchanged} unchanged, {applied.Skipped} skipped by their conditions.");
                return 0;
            }
            catch (BlueprintException ex)
            {
                await error.WriteLineAsync($"{name}: {ex.Message} Nothing was applied.");
                return 1;
            }
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the shipped blueprints.");
        command.SetAction(async (result, ct) =>
        {
            foreach (var name in ShippedBlueprints.Names)
            {
                var auto = Blueprint.Parse(ShippedBlueprints.Read(name)!).AutoInstantiate ? "applied at start" : "apply on demand";
                await result.InvocationConfiguration.Output.WriteLineAsync($"{name}\t{auto}");
            }
            return 0;
        });
        return command;
    }
}
