using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Warden.Bench;

/// <summary>Scenario 5: time from process start to a ready /-/health/ready/, on an empty and on a migrated SQLite database.</summary>
public static class Startup
{
    public static async Task RunAsync(BenchOptions options)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "warden.dll");
        var repetitions = options.Quick ? 1 : 5;
        var empty = new List<double>();
        var migrated = new List<double>();
        for (var rep = 0; rep < repetitions; rep++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "warden-bench-start-" + Guid.NewGuid().ToString("N"));
            empty.Add(await TimeToReadyAsync(server, directory));
            migrated.Add(await TimeToReadyAsync(server, directory));
            Directory.Delete(directory, recursive: true);
        }
        await Report.WriteAsync(options.ResultsDirectory, "startup", ["database", "runs", "ms_to_ready_median"],
        [
            ["sqlite, empty (migrations applied)", repetitions, Stats.Median(empty)],
            ["sqlite, already migrated", repetitions, Stats.Median(migrated)],
        ]);
    }

    private static async Task<double> TimeToReadyAsync(string server, string directory)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { server, $"--urls=http://127.0.0.1:{port}", $"--Database:DataDirectory={directory}", "--Logging:LogLevel:Default=Warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/-/health/ready/"));
                    if (response.StatusCode == HttpStatusCode.NoContent)
                    {
                        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(TimeSpan.FromMilliseconds(10));
            }
            throw new TimeoutException("server did not become ready in 60 s");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
