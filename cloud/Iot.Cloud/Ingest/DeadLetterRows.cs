using System.Data.Common;
using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Writes a batch's dead letters in the batch's transaction with one prepared <c>INSERT</c>, its parameters bound again
/// for each row. Through the change tracker each refused message cost an entity entry, two scans for changes, a
/// statement compiled anew and its id read back, about as much as all the rest of refusing it: a hostile stream that
/// is refused whole is mostly dead letters. The table, its columns and each value's conversion come from the EF model,
/// so the rows are the ones <c>SaveChanges</c> wrote, on SQLite and PostgreSQL alike.
/// </summary>
internal static class DeadLetterRows
{
    /// <summary>Saves <paramref name="db"/>'s tracked changes and <paramref name="letters"/> in one transaction.</summary>
    public static async Task SaveChangesWithAsync(CloudDb db, IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(letters);
        if (letters.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await InsertAsync(db, transaction.GetDbTransaction(), letters, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // Inserts the letters in the batch's transaction.
    private static async Task InsertAsync(CloudDb db, DbTransaction transaction, IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(DeadLetter)) ?? throw new InvalidOperationException("dead letters are not in the model");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();

        // Every column but the generated key, in the model's order.
        var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToArray();
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var parameters = new (IProperty Property, RelationalTypeMapping Mapping, DbParameter Parameter)[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var mapping = columns[i].GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, sql.GenerateParameterName(Name(i)), null, columns[i].IsNullable);
            command.Parameters.Add(parameter);
            parameters[i] = (columns[i], mapping, parameter);
        }

        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder(Name(i))))})";
        await command.PrepareAsync(cancellationToken);
        foreach (var letter in letters)
        {
            foreach (var (property, mapping, parameter) in parameters)
            {
                var value = property.GetGetter().GetClrValueUsingContainingEntity(letter);
                parameter.Value = value is null ? DBNull.Value : mapping.Converter?.ConvertToProvider(value) ?? value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Name(int column) => $"p{column}";
}
