using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Warden.Persistence;

namespace Warden.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated database per test. Migrations run once per provider into a template, and each test gets a
/// copy (a file copy on SQLite, <c>CREATE DATABASE … TEMPLATE</c> on PostgreSQL), so tests never share rows.
/// PostgreSQL is used when WARDEN_TEST_POSTGRES holds a server connection string (CI always sets it).
/// </summary>
public static class TestDatabase
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static string? PostgresServer => Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES") is { Length: > 0 } s ? s : null;

    public static IEnumerable<string> Providers => PostgresServer is null ? [Sqlite] : [Sqlite, Postgres];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _sqliteTemplate;
    private static string? _postgresTemplate;
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "warden-tests", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Creates a database and returns the configuration that points Warden at it.</summary>
    public static async Task<Dictionary<string, string?>> CreateAsync(string provider)
    {
        if (provider == Postgres)
        {
            var template = await PostgresTemplateAsync();
            var name = "warden_t_" + Guid.NewGuid().ToString("N");
            await using (var connection = new NpgsqlConnection(PostgresServer))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
                await command.ExecuteNonQueryAsync();
            }
            return new()
            {
                ["Database:Provider"] = "postgres",
                ["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString,
            };
        }
        var source = await SqliteTemplateAsync();
        var directory = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        File.Copy(source, Path.Combine(directory, "warden.db"));
        return new()
        {
            ["Database:Provider"] = "sqlite",
            ["Database:DataDirectory"] = directory,
        };
    }

    private static async Task<string> SqliteTemplateAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_sqliteTemplate is not null)
            {
                return _sqliteTemplate;
            }
            Directory.CreateDirectory(Root);
            var path = Path.Combine(Root, "template.db");
            var options = new DbContextOptionsBuilder<SqliteWardenDbContext>()
                .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()).Options;
            await using (var db = new SqliteWardenDbContext(options))
            {
                await db.Database.MigrateAsync();
                // Fold the WAL back into the file so that a plain copy holds everything.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=DELETE;");
            }
            _sqliteTemplate = path;
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> PostgresTemplateAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_postgresTemplate is not null)
            {
                return _postgresTemplate;
            }
            var name = $"warden_template_{Environment.ProcessId}";
            await using (var connection = new NpgsqlConnection(PostgresServer))
            {
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
            var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, Pooling = false }.ConnectionString;
            var options = new DbContextOptionsBuilder<PostgresWardenDbContext>().UseNpgsql(connectionString).Options;
            await using (var db = new PostgresWardenDbContext(options))
            {
                await db.Database.MigrateAsync();
            }
            _postgresTemplate = name;
            return name;
        }
        finally
        {
            Gate.Release();
        }
    }
}

/// <summary>Theory data: every configured database provider.</summary>
public sealed class ProvidersAttribute : Xunit.v3.DataAttribute
{
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(System.Reflection.MethodInfo testMethod, Xunit.Sdk.DisposalTracker disposalTracker) =>
        ValueTask.FromResult<IReadOnlyCollection<ITheoryDataRow>>(
            TestDatabase.Providers.Select(p => (ITheoryDataRow)new TheoryDataRow(p)).ToList());

    public override bool SupportsDiscoveryEnumeration() => true;
}
