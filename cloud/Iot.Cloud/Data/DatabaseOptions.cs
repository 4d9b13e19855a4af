namespace Iot.Cloud.Data;

/// <summary>Where the relational data lives (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The connection string. For SQLite defaults to a file under ./data; for PostgreSQL e.g.
    /// <c>Host=db;Database=estate;Username=estate;Password=...</c> (give the password through an environment variable).
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=data/cloud.db";
}

/// <summary>The relational providers.</summary>
public enum DatabaseProvider
{
    /// <summary>A local SQLite file.</summary>
    Sqlite,

    /// <summary>PostgreSQL.</summary>
    Postgres,
}
