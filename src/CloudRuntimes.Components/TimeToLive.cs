using System.Globalization;

namespace CloudRuntimes.Components;

/// <summary>
/// The <c>ttlInSeconds</c> metadata of state items and published messages, parsed in one place: a whole number of
/// seconds from 1 to <see cref="MaxSeconds"/> (about 68 years, the range of Dapr's 32-bit TTL), or <c>-1</c> (never
/// expires) where the building block allows it.
/// </summary>
public static class TimeToLive
{
    /// <summary>The largest accepted TTL in seconds: 2,147,483,647.</summary>
    public const long MaxSeconds = int.MaxValue;

    /// <summary>Parses a TTL.</summary>
    /// <param name="text">The metadata value.</param>
    /// <param name="allowNever">True when <c>-1</c> (no expiry) is allowed; it then parses as null.</param>
    /// <param name="where">What carries the value, for the message (e.g. <c>state store s: key k</c>).</param>
    /// <returns>The time to live, or null for <c>-1</c>.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/>: not a whole number, 0, below -1 or above <see cref="MaxSeconds"/>.</exception>
    public static TimeSpan? Parse(string text, bool allowNever, string where)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds == -1 && allowNever)
            {
                return null;
            }
            if (seconds is > 0 and <= MaxSeconds)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }
        throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest,
            $"{where}: metadata ttlInSeconds must be a whole number of seconds from 1 to {MaxSeconds}{(allowNever ? " or -1 (never expires)" : "")}, got '{text}'");
    }
}
