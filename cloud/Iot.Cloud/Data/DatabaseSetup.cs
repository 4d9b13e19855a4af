using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Data;

/// <summary>Wires the relational store for the configured provider and migrates it at start; the features add their save interceptors as <see cref="IInterceptor"/> services.</summary>
public static class DatabaseSetup
{
    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddDbContext<CloudDb, PostgresCloudDb>((sp, o) => o.UseNpgsql(options.ConnectionString).AddInterceptors(sp.GetServices<IInterceptor>()));
        }
        else
        {
            builder.Services.AddDbContext<CloudDb, SqliteCloudDb>((sp, o) => o.UseSqlite(options.ConnectionString).AddInterceptors([.. sp.GetServices<IInterceptor>(), new SqliteBusyWait()]));
        }

        builder.Services.AddScoped<Work>();
        builder.Services.AddHostedService<DatabaseMigrator>();

        // Several instances on one PostgreSQL database tell each other what they cache (live feed, rules).
        builder.Services.AddSingleton<InstanceBus>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InstanceBus>());
        builder.Services.AddHealthChecks().AddDbContextCheck<CloudDb>("database", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Checks the database settings before anything connects.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Database:ConnectionString is empty");
        }

        if (options.Provider == DatabaseProvider.Sqlite && !options.ConnectionString.Contains("Data Source", StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"Database:ConnectionString '{options.ConnectionString}' is not a SQLite connection string (expected 'Data Source=<file>')");
        }

        if (options.Provider == DatabaseProvider.Postgres && !options.ConnectionString.Contains("Host", StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail("Database:ConnectionString must name a PostgreSQL Host=... when Database:Provider is Postgres");
        }

        return ValidateOptionsResult.Success;
    }
}
