namespace Warden.Bench;

/// <summary>Options shared by every scenario.</summary>
public sealed class BenchOptions
{
    public bool Quick { get; set; }
    public string? PostgresServer { get; set; }
    public string ResultsDirectory { get; set; } = Path.Combine("bench", "results");
    public HashSet<string> Scenarios { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> Providers => PostgresServer is null ? ["sqlite"] : ["sqlite", "postgres"];
}

/// <summary>
/// <c>dotnet run -c Release --project bench/Warden.Bench -- [--quick] [--postgres CONNECTION] [--scenario NAME]... [--results DIR]</c>.
/// See BENCHMARKS.md for what each scenario measures and against which baseline.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Func<BenchOptions, Task>> All = new(StringComparer.Ordinal)
    {
        ["lockdown"] = LockdownCost.RunAsync,
        ["api"] = ApiThroughput.RunAsync,
        ["e2e"] = LockdownEndToEnd.RunAsync,
        ["startup"] = Startup.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        var options = new BenchOptions { PostgresServer = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES") is { Length: > 0 } pg ? pg : null };
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": options.Quick = true; break;
                case "--postgres": options.PostgresServer = args[++i]; break;
                case "--sqlite-only": options.PostgresServer = null; break;
                case "--scenario": options.Scenarios.Add(args[++i]); break;
                case "--results": options.ResultsDirectory = args[++i]; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown argument {args[i]}; scenarios: {string.Join(", ", All.Keys)}");
                    return 2;
            }
        }
        var selected = options.Scenarios.Count == 0 ? All.Keys.ToList() : options.Scenarios.ToList();
        Console.WriteLine($"warden-bench: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024 / 1024 / 1024} GiB, providers {string.Join("+", options.Providers)}, {(options.Quick ? "quick" : "full")} run");
        foreach (var name in selected)
        {
            if (!All.TryGetValue(name, out var scenario))
            {
                await Console.Error.WriteLineAsync($"unknown scenario {name}");
                return 2;
            }
            await scenario(options);
        }
        return 0;
    }
}
