namespace Warden.Persistence;

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// Connection string. For SQLite it defaults to <c>Data Source=&lt;DataDirectory&gt;/warden.db</c>;
    /// for PostgreSQL it is required.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL only: the most connections this node opens, unless the connection string sets <c>Maximum Pool
    /// Size</c> itself. Requests beyond it wait for a free connection instead of being refused by the server; keep
    /// nodes × this below the server's <c>max_connections</c> (100 by default).
    /// </summary>
    public int MaxPoolSize { get; set; } = 25;

    /// <summary>Directory holding the SQLite database file (default <c>./data</c>).</summary>
    public string DataDirectory { get; set; } = "data";

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);
}
