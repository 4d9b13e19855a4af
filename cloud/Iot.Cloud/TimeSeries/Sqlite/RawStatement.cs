using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// A statement prepared once on the writer's connection and run per row, its parameters bound by position through
/// SQLite's own API. Microsoft.Data.Sqlite looks each parameter up by name on every execution, which was a fifth of the
/// writer's time at seven parameters a window (bench/README.md, "SQLite write").
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    public RawStatement Bind(int position, long value)
    {
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(_statement, position, value), _db);
        return this;
    }

    public RawStatement Bind(int position, double value)
    {
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_double(_statement, position, value), _db);
        return this;
    }

    /// <summary>Runs the statement to its end and makes it ready for the next row; returns the rows it changed.</summary>
    public int Execute()
    {
        var result = raw.sqlite3_step(_statement);
        var reset = raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(reset != raw.SQLITE_OK ? reset : result, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    public void Dispose() => _statement.Dispose();
}
