using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Warden.Persistence;

public static class PersistenceRegistration
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        if (options.IsPostgres)
        {
            var connectionString = PostgresConnectionString(options);
            services.AddDbContext<WardenDbContext, PostgresWardenDbContext>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            var connectionString = SqliteConnectionString(options);
            services.AddDbContext<WardenDbContext, SqliteWardenDbContext>(o => o.UseSqlite(connectionString));
        }
        services.AddHostedService<DatabaseStartup>();
        return services;
    }

    /// <summary>The configured connection string, with Warden's pool limit unless it sets one of its own.</summary>
    public static string PostgresConnectionString(DatabaseOptions options)
    {
        var connectionString = options.ConnectionString
            ?? throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is postgres.");
        // Npgsql's builder answers ContainsKey for every keyword it knows, so look at what was written, by any of the
        // keyword's spellings.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var setsPool = written.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .Any(k => k is "maxpoolsize" or "maximumpoolsize");
        if (setsPool)
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = options.MaxPoolSize }.ConnectionString;
    }

    public static string SqliteConnectionString(DatabaseOptions options)
    {
        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            return options.ConnectionString;
        }
        Directory.CreateDirectory(options.DataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(options.DataDirectory, "warden.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Applies pending migrations; SQLite is switched to WAL once, which the file remembers.</summary>
    public static async Task MigrateAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        if (!db.IsPostgres)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }
        await db.Database.MigrateAsync(cancellationToken);
    }
}
