using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Warden.Tests.Infrastructure;

/// <summary>
/// Every row of every table the model maps (join tables included), as sorted text per table: two fingerprints
/// that are equal mean the database holds exactly the same rows. Used to prove that a refused request changed nothing.
/// </summary>
public sealed class DatabaseFingerprint
{
    private readonly SortedDictionary<string, List<string>> _tables;

    private DatabaseFingerprint(SortedDictionary<string, List<string>> tables) => _tables = tables;

    public static Task<DatabaseFingerprint> TakeAsync(TestApp app) => app.WithDbAsync(async db =>
    {
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            // One command, one result set per table: a single round trip however many tables there are.
            await using var command = connection.CreateCommand();
            command.CommandText = string.Join(";\n", tables.Select(t => $"SELECT * FROM \"{t}\""));
            await using var reader = await command.ExecuteReaderAsync();
            foreach (var table in tables)
            {
                var rows = new List<string>();
                while (await reader.ReadAsync())
                {
                    rows.Add(Row(reader));
                }
                rows.Sort(StringComparer.Ordinal);
                result[table] = rows;
                await reader.NextResultAsync();
            }
            return new DatabaseFingerprint(result);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    });

    private static string Row(DbDataReader reader)
    {
        var values = new string[reader.FieldCount];
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.GetValue(i);
            values[i] = reader.GetName(i) + "=" + value switch
            {
                DBNull => "null",
                byte[] bytes => Convert.ToBase64String(bytes),
                DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
        }
        return string.Join(" | ", values);
    }

    /// <summary>Null when both hold the same rows; otherwise which rows of which tables differ.</summary>
    public string? Difference(DatabaseFingerprint after)
    {
        var lines = new List<string>();
        foreach (var (table, rows) in _tables)
        {
            var now = after._tables.GetValueOrDefault(table) ?? [];
            var removed = rows.Except(now, StringComparer.Ordinal).ToList();
            var added = now.Except(rows, StringComparer.Ordinal).ToList();
            lines.AddRange(removed.Select(r => $"  {table} - {r}"));
            lines.AddRange(added.Select(r => $"  {table} + {r}"));
        }
        return lines.Count == 0 ? null : string.Join("\n", lines.Take(20));
    }
}
