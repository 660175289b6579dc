using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Warden.Tests.Infrastructure;

/// <summary>
/// A real Warden server process (<c>dotnet warden.dll</c>, the build under test) on a free loopback port, with the
/// given configuration as command-line settings. Several nodes on one database are what operators run behind a
/// load balancer: nothing is shared between them but the database.
/// </summary>
public sealed class WardenNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public string Name { get; }
    public Uri BaseAddress { get; }

    /// <summary>What the process printed; shown when a test fails.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private WardenNode(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public static async Task<WardenNode> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, IEnumerable<string>? arguments = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "warden.dll"));
        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start warden.dll");
        var node = new WardenNode(name, process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await node.WaitReadyAsync();
        return node;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node {Name} exited with {_process.ExitCode}:\n{Log}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/-/health/ready/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
        throw new TimeoutException($"node {Name} was not ready in 90 s:\n{Log}");
    }

    /// <summary>A client of this node that sends no cookies of its own and follows no redirects.</summary>
    public HttpClient Client(string? cookie = null, string? csrf = null, string? bearer = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (cookie is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", cookie);
        }
        if (csrf is not null)
        {
            client.DefaultRequestHeaders.Add(Warden.Core.SessionStore.CsrfHeaderName, csrf);
        }
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>Kills the process at once, as a crash or SIGKILL would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
