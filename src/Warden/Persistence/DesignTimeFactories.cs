using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Warden.Persistence;

// Used only by `dotnet ef migrations add`; see README "Adding a migration".
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteWardenDbContext>
{
    public SqliteWardenDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWardenDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresWardenDbContext>
{
    public PostgresWardenDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWardenDbContext>().UseNpgsql("Host=localhost;Database=warden_design").Options);
}
