using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

/// <summary>
/// The cloud's relational store, one database for every feature. It knows none of them: each feature maps its own
/// tables (<c>CloudDb.&lt;Feature&gt;.cs</c> in its folder) and reaches them as <c>db.X</c> extension properties.
/// Two providers, each with its own migrations: <see cref="SqliteCloudDb"/> (default) and <see cref="PostgresCloudDb"/>.
/// </summary>
public abstract class CloudDb(DbContextOptions options) : IdentityUserContext<Account>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CloudDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // The protocol's ids are types in the code and text in the tables.
        configurationBuilder.Properties<AgentId>().HaveConversion<IdentifierConverter<AgentId>>();
        configurationBuilder.Properties<CourtyardId>().HaveConversion<IdentifierConverter<CourtyardId>>();
        configurationBuilder.Properties<DeviceId>().HaveConversion<IdentifierConverter<DeviceId>>();
    }
}

/// <summary>The SQLite flavour (default: a file under ./data).</summary>
public sealed class SqliteCloudDb(DbContextOptions<SqliteCloudDb> options) : CloudDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no time type: store instants as sortable integers so queries can compare and order them.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The PostgreSQL flavour (production).</summary>
public sealed class PostgresCloudDb(DbContextOptions<PostgresCloudDb> options) : CloudDb(options);
