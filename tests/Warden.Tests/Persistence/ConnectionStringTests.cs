using Npgsql;
using Warden.Persistence;

namespace Warden.Tests.Persistence;

public sealed class ConnectionStringTests
{
    [Fact]
    public void PostgresPoolIsCappedByDefault()
    {
        var options = new DatabaseOptions { Provider = "postgres", ConnectionString = "Host=db;Database=warden;Username=warden" };

        var built = new NpgsqlConnectionStringBuilder(PersistenceRegistration.PostgresConnectionString(options));

        Assert.Equal(25, built.MaxPoolSize);
        Assert.Equal(("db", "warden", "warden"), (built.Host, built.Database, built.Username));
    }

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=7")]
    [InlineData("Host=db;MaxPoolSize=7")]
    [InlineData("Host=db;maxpoolsize=7")]
    public void APoolSizeInTheConnectionStringWins(string connectionString)
    {
        var options = new DatabaseOptions { Provider = "postgres", ConnectionString = connectionString, MaxPoolSize = 40 };

        Assert.Equal(7, new NpgsqlConnectionStringBuilder(PersistenceRegistration.PostgresConnectionString(options)).MaxPoolSize);
    }

    [Fact]
    public void TheConfiguredCapAppliesWhenTheConnectionStringHasNone()
    {
        var options = new DatabaseOptions { Provider = "postgres", ConnectionString = "Host=db", MaxPoolSize = 40 };

        Assert.Equal(40, new NpgsqlConnectionStringBuilder(PersistenceRegistration.PostgresConnectionString(options)).MaxPoolSize);
    }

    [Fact]
    public void PostgresWithoutAConnectionStringIsAConfigurationError()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            PersistenceRegistration.PostgresConnectionString(new DatabaseOptions { Provider = "postgres" }));
        Assert.Equal("Database:ConnectionString is required when Database:Provider is postgres.", error.Message);
    }
}
