using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace Warden.Bench;

/// <summary>Where a benchmark's Warden keeps its data: a fresh SQLite directory or a fresh PostgreSQL database.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public required string Provider { get; init; }
    public required string[] Arguments { get; init; }
    private string? _directory;
    private string? _postgresName;
    private string? _postgresServer;

    public static async Task<BenchDatabase> CreateAsync(string provider, string? postgresServer)
    {
        if (provider == "postgres")
        {
            var name = "warden_bench_" + Guid.NewGuid().ToString("N");
            await using var connection = new NpgsqlConnection(postgresServer);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
            var cs = new NpgsqlConnectionStringBuilder(postgresServer) { Database = name, MaxPoolSize = 200 }.ConnectionString;
            return new BenchDatabase
            {
                Provider = provider,
                Arguments = ["--Database:Provider=postgres", $"--Database:ConnectionString={cs}"],
                _postgresName = name,
                _postgresServer = postgresServer,
            };
        }
        var directory = Path.Combine(Path.GetTempPath(), "warden-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new BenchDatabase
        {
            Provider = provider,
            Arguments = ["--Database:Provider=sqlite", $"--Database:DataDirectory={directory}"],
            _directory = directory,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresServer);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>The real Warden application, started in this process on a loopback port.</summary>
public sealed class BenchServer : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required Uri BaseAddress { get; init; }

    public IServiceProvider Services => App.Services;

    /// <summary>Builds the server exactly as <c>warden serve</c> does; <paramref name="extend"/> may map benchmark-only endpoints.</summary>
    public static async Task<BenchServer> StartAsync(BenchDatabase database, IEnumerable<string>? extraArguments = null, Action<WebApplication>? extend = null)
    {
        string[] args = [.. database.Arguments, "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Warden.Requests=Warning", "--Logging:LogLevel:Warden.Enterprise.Stages.AccountLockdown=Error",
            "--Passwords:Iterations=1000", .. extraArguments ?? []];
        var app = Warden.Program.Build(args);
        extend?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchServer { App = app, BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
