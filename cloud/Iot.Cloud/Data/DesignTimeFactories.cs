using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Iot.Cloud.Data;

// Used only by `dotnet ef migrations add`: each provider keeps its own migrations.

/// <summary>Design-time factory for the SQLite migrations (Data/Migrations/Sqlite).</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCloudDb>
{
    public SqliteCloudDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCloudDb>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Design-time factory for the PostgreSQL migrations (Data/Migrations/Postgres); needs no server.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCloudDb>
{
    public PostgresCloudDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCloudDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
