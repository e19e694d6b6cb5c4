using System.Globalization;
using System.Xml;
using CloudRuntimes.Components.Jobs;
using CloudRuntimes.Jobs;

namespace CloudRuntimes.Host.Blocks;

/// <summary>A job as a transport reads it: the times still as text (RFC 3339, Go or ISO 8601 duration).</summary>
/// <param name="Name">The job name; required.</param>
/// <param name="Schedule">Cron or period; null for none.</param>
/// <param name="DueTime">First firing as text; null for none.</param>
/// <param name="Repeats">Most firings; null for unbounded.</param>
/// <param name="Ttl">Expiry as text; null for never.</param>
/// <param name="Data">The payload (JSON).</param>
internal sealed record JobInput(string? Name, string? Schedule, string? DueTime, int? Repeats, string? Ttl, ReadOnlyMemory<byte> Data);

/// <summary>Jobs behind both transports (Dapr jobs API) on the scheduler component <c>jobs</c>: time parsing and the not-found case.</summary>
internal sealed class JobsService(ICloudRuntimesComponents components)
{
    private IJobScheduler Scheduler => components.GetJobScheduler(ComponentNames.Jobs);

    /// <summary>Schedules (or with <paramref name="overwrite"/> replaces) a job.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.JobInvalid"/> for no name, a time that does not parse, no schedule nor due time or a bad schedule.</exception>
    public async Task ScheduleAsync(JobInput input, bool overwrite, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input.Name))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid, "job name is empty");
        }
        DateTimeOffset? due, ttl;
        try
        {
            due = Time(input.DueTime);
            ttl = Time(input.Ttl);
        }
        catch (FormatException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid, $"job {input.Name}: {e.Message}", e);
        }
        await Scheduler.ScheduleAsync(new Job(input.Name, input.Schedule, due, input.Repeats, ttl, input.Data), overwrite, cancellationToken);
    }

    /// <summary>Reads a job.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.JobNotFound"/> when there is none of that name.</exception>
    public async Task<Job> GetAsync(string name, CancellationToken cancellationToken) =>
        await Scheduler.GetAsync(name, cancellationToken) ?? throw new CloudRuntimesException(CloudRuntimesErrors.JobNotFound, $"job {name} not found");

    /// <summary>Deletes a job (nothing when there is none of that name).</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken) => Scheduler.DeleteAsync(name, cancellationToken);

    /// <summary>RFC 3339 time, Go duration (<c>10s</c>, <c>1h30m</c>) or ISO 8601 duration (<c>PT10S</c>) from now.</summary>
    /// <exception cref="FormatException">None of these, or a time past year 9999.</exception>
    internal static DateTimeOffset? Time(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        try
        {
            return DateTimeOffset.UtcNow + (text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : JobSchedule.ParseDuration(text));
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new FormatException($"'{text}' is out of range", e);
        }
    }
}
