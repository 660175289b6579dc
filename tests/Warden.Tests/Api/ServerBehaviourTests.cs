using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Warden.Persistence;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Api;

public sealed class ServerBehaviourTests
{
    /// <summary>A clock that fails on demand: an unexpected fault deep inside a request.</summary>
    private sealed class FailingClock(TimeProvider inner) : TimeProvider
    {
        public bool Fail { get; set; }

        public override DateTimeOffset GetUtcNow() => Fail ? throw new InvalidOperationException("secret internal detail") : inner.GetUtcNow();
    }

    [Fact]
    public async Task AnUnexpectedErrorIsA500WithARequestIdAndNoStackTrace()
    {
        FailingClock? clock = null;
        await using var app = await TestApp.StartAsync(services: s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(sp => clock = new FailingClock(new Microsoft.Extensions.Time.Testing.FakeTimeProvider()));
        });
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "any-key");
        clock!.Fail = true;
        var response = await client.GetAsync("/api/v3/root/config/", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(500, (int)response.StatusCode);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("A server error occurred.", body["detail"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["request_id"]!.GetValue<string>()));
        Assert.Equal(2, body.Count);
        Assert.DoesNotContain("secret internal detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownApiPathIsADrfNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Anonymous().GetAsync("/api/v3/no/such/thing/", TestContext.Current.CancellationToken);
        await response.AssertJsonAsync(404, """{"detail": "Not found."}""");
    }

    [Fact]
    public async Task AMethodTheEndpointDoesNotTakeIsA405()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Anonymous().DeleteAsync("/api/v3/root/config/", TestContext.Current.CancellationToken);
        await response.AssertJsonAsync(405, """{"detail": "Method \"DELETE\" not allowed."}""");
    }

    [Theory, Providers]
    public async Task MigrationsApplyToAnEmptyDatabaseAtStart(string provider)
    {
        Dictionary<string, string?> settings;
        string? postgresDatabase = null;
        if (provider == TestDatabase.Postgres)
        {
            postgresDatabase = "warden_empty_" + Guid.NewGuid().ToString("N");
            await using var connection = new NpgsqlConnection(TestDatabase.PostgresServer);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{postgresDatabase}\"", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            settings = new()
            {
                ["Database:Provider"] = "postgres",
                ["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer) { Database = postgresDatabase }.ConnectionString,
            };
        }
        else
        {
            var directory = Path.Combine(Path.GetTempPath(), "warden-empty-" + Guid.NewGuid().ToString("N"));
            settings = new() { ["Database:Provider"] = "sqlite", ["Database:DataDirectory"] = directory };
        }
        try
        {
            await using var app = await TestApp.StartAsync(provider, settings);
            await app.WithDbAsync(async db =>
            {
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
                Assert.Equal(1, await db.Users.CountAsync(u => u.Username == "akadmin"));
                if (!db.IsPostgres)
                {
                    var connection = (SqliteConnection)db.Database.GetDbConnection();
                    await connection.OpenAsync();
                    await using var pragma = connection.CreateCommand();
                    pragma.CommandText = "PRAGMA journal_mode;";
                    Assert.Equal("wal", (string?)await pragma.ExecuteScalarAsync());
                }
            });
        }
        finally
        {
            if (postgresDatabase is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(TestDatabase.PostgresServer);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresDatabase}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }
}
