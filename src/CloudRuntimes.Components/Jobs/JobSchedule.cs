using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;

namespace CloudRuntimes.Components.Jobs;

/// <summary>
/// A parsed schedule as Dapr's jobs API and cron binding accept it: a cron expression with five fields or six
/// (leading seconds), a Cronos macro (<c>@hourly</c>, <c>@daily</c>, <c>@weekly</c>, <c>@monthly</c>,
/// <c>@yearly</c>, <c>@every_minute</c>, ...) or <c>@every &lt;Go duration&gt;</c> such as <c>@every 1h30m</c>.
/// Cron expressions are evaluated in UTC with Cronos.
/// </summary>
public sealed partial class JobSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan _period;

    private JobSchedule(CronExpression? cron, TimeSpan period)
    {
        _cron = cron;
        _period = period;
    }

    /// <summary>Parses a schedule.</summary>
    /// <param name="text">The schedule text.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="FormatException">The text is not a valid schedule; the message says why.</exception>
    public static JobSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("@every ", StringComparison.Ordinal))
        {
            return new JobSchedule(null, ParseDuration(trimmed["@every ".Length..].Trim()));
        }
        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return new JobSchedule(CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), TimeSpan.Zero);
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"'{text}' is not a cron expression (5 or 6 fields) or @every/@daily-style schedule: {e.Message}", e);
        }
    }

    /// <summary>The first firing strictly after <paramref name="after"/>, or null when there is none.</summary>
    /// <param name="after">The reference time.</param>
    /// <returns>The next firing time (UTC).</returns>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        _cron is null ? after + _period : _cron.GetNextOccurrence(after, TimeZoneInfo.Utc);

    /// <summary>
    /// The least time between two firings: the period of <c>@every</c>; one second for a cron expression or macro (its
    /// granularity: it never fires more often, though most fire far less often).
    /// </summary>
    public TimeSpan ShortestInterval => _cron is null ? _period : TimeSpan.FromSeconds(1);

    /// <summary>The longest duration accepted: Go's, 2^63 - 1 nanoseconds (about 292 years).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromTicks(long.MaxValue / 100);

    /// <summary>Parses a Go duration (<c>300ms</c>, <c>1.5h</c>, <c>2h45m</c>); units ns, us, µs, ms, s, m, h.</summary>
    /// <param name="text">The duration text.</param>
    /// <returns>The positive duration.</returns>
    /// <exception cref="FormatException">Not a positive Go duration, or longer than <see cref="MaxDuration"/>.</exception>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = DurationPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            throw new FormatException($"'{text}' is not a duration such as 10s, 1m30s or 2h");
        }
        var ticks = 0.0;
        foreach (Match match in matches)
        {
            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += value * match.Groups[2].Value switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                _ => 0.01,
            };
        }
        if (ticks > MaxDuration.Ticks)
        {
            throw new FormatException($"duration '{text}' is out of range (at most {MaxDuration.TotalHours:0}h, as Go's durations)");
        }
        return ticks >= 1 ? TimeSpan.FromTicks((long)ticks) : throw new FormatException($"duration '{text}' must be positive");
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ns|us|µs|ms|h|m|s)")]
    private static partial Regex DurationPart();
}
