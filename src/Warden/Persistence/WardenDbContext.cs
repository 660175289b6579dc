using Microsoft.EntityFrameworkCore;

namespace Warden.Persistence;

/// <summary>
/// The one DbContext. Entities are configured by the <see cref="IEntityTypeConfiguration{TEntity}"/>
/// classes that sit beside them in each feature folder; features reach their tables with
/// <c>db.Set&lt;T&gt;()</c> or the shortcuts below.
/// </summary>
public abstract class WardenDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Core.User> Users => Set<Core.User>();
    public DbSet<Core.Group> Groups => Set<Core.Group>();
    public DbSet<Core.Token> Tokens => Set<Core.Token>();
    public DbSet<Core.Session> Sessions => Set<Core.Session>();
    public DbSet<Core.AuthenticatedSession> AuthenticatedSessions => Set<Core.AuthenticatedSession>();
    public DbSet<Brands.Brand> Brands => Set<Brands.Brand>();

    /// <summary>True when the underlying provider is PostgreSQL.</summary>
    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WardenDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC: SQLite returns unspecified kinds, so the converter restores it.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}

/// <summary>The SQLite flavour, with its own migration set under Persistence/Migrations/Sqlite.</summary>
public sealed class SqliteWardenDbContext(DbContextOptions<SqliteWardenDbContext> options) : WardenDbContext(options);

/// <summary>The PostgreSQL flavour, with its own migration set under Persistence/Migrations/Postgres.</summary>
public sealed class PostgresWardenDbContext(DbContextOptions<PostgresWardenDbContext> options) : WardenDbContext(options);
