using System.Globalization;

namespace Warden.Core;

/// <summary>How Python prints values that authentik puts into messages and event names.</summary>
public static class PythonFormat
{
    /// <summary><c>str(datetime)</c> of an aware UTC datetime: <c>2026-11-25 12:00:00+00:00</c>, microseconds when not zero.</summary>
    public static string DateTime(DateTime value)
    {
        var micros = (value.Ticks % TimeSpan.TicksPerSecond) / 10;
        var text = value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? text + "+00:00" : text + "." + micros.ToString("D6", CultureInfo.InvariantCulture) + "+00:00";
    }

    /// <summary>authentik's <c>timedelta_from_string</c>: <c>days=1;hours=2</c>; null when it cannot be read.</summary>
    public static TimeSpan? TimeDelta(string value)
    {
        var total = TimeSpan.Zero;
        foreach (var pair in value.Split(';'))
        {
            var parts = pair.Split('=');
            if (parts.Length != 2 || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                || !double.IsFinite(amount))
            {
                return null;
            }
            try
            {
                total += parts[0].Trim().ToLowerInvariant() switch
                {
                    "weeks" => TimeSpan.FromDays(amount * 7),
                    "days" => TimeSpan.FromDays(amount),
                    "hours" => TimeSpan.FromHours(amount),
                    "minutes" => TimeSpan.FromMinutes(amount),
                    "seconds" => TimeSpan.FromSeconds(amount),
                    "milliseconds" => TimeSpan.FromMilliseconds(amount),
                    "microseconds" => TimeSpan.FromMicroseconds(amount),
                    _ => throw new FormatException(),
                };
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                return null;
            }
        }
        return total;
    }
}
