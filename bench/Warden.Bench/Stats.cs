using System.Text.Json;

namespace Warden.Bench;

public static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>Prints a table and writes the same rows as JSON under the results directory.</summary>
public static class Report
{
    public static async Task WriteAsync(string directory, string scenario, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<object>> rows, object? extra = null)
    {
        var widths = columns.Select((c, i) => Math.Max(c.Length, rows.Count == 0 ? 0 : rows.Max(r => Format(r[i]).Length))).ToArray();
        Console.WriteLine();
        Console.WriteLine($"## {scenario}");
        Console.WriteLine("| " + string.Join(" | ", columns.Select((c, i) => c.PadRight(widths[i]))) + " |");
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in rows)
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((v, i) => Format(v).PadRight(widths[i]))) + " |");
        }
        Directory.CreateDirectory(directory);
        var json = new
        {
            scenario,
            machine = new { cores = Environment.ProcessorCount, memory_gib = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1), os = Environment.OSVersion.ToString() },
            columns,
            rows = rows.Select(r => r.Select(v => v is double d ? Math.Round(d, 3) : v).ToArray()),
            extra,
        };
        await File.WriteAllTextAsync(Path.Combine(directory, scenario + ".json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Format(object value) => value switch
    {
        double d when double.IsNaN(d) => "n/a",
        double d => d.ToString(d >= 100 ? "0" : "0.00", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
