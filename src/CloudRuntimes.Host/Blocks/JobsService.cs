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

/// <summary>
/// Jobs behind both transports (Dapr jobs API) on the scheduler component <c>jobs</c>: time parsing, the not-found case,
/// and the limits of <see cref="RuntimeLimits"/> (<see cref="RuntimeLimits.MinJobInterval"/>, <see cref="RuntimeLimits.MaxJobs"/>,
/// <see cref="RuntimeLimits.MaxJobDataBytes"/>).
/// </summary>
internal sealed class JobsService(ICloudRuntimesComponents components, RuntimeOptions options)
{
    private IJobScheduler Scheduler => components.GetJobScheduler(ComponentNames.Jobs);

    /// <summary>Schedules (or with <paramref name="overwrite"/> replaces) a job.</summary>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.JobInvalid"/> for no name, a name over <see cref="RuntimeLimits.MaxJobNameLength"/>, a time that does not parse, no schedule nor due time, a bad
    /// schedule, a schedule firing more often than <see cref="RuntimeLimits.MinJobInterval"/>, data over
    /// <see cref="RuntimeLimits.MaxJobDataBytes"/>, or a new job while the scheduler holds <see cref="RuntimeLimits.MaxJobs"/>.
    /// </exception>
    public async Task ScheduleAsync(JobInput input, bool overwrite, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input.Name))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid, "job name is empty");
        }
        var limits = options.Limits;
        if (input.Name.Length > limits.MaxJobNameLength)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid,
                $"job name is {input.Name.Length:N0} characters long; a job name may have at most {limits.MaxJobNameLength:N0} (it is the path of each firing to the app, /job/{{name}})");
        }
        if (input.Data.Length > limits.MaxJobDataBytes)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid,
                $"job {input.Name}: data is {input.Data.Length:N0} bytes, more than the {limits.MaxJobDataBytes / 1024:N0} KiB allowed (--max-job-data-size)");
        }
        if (ShortestInterval(input.Schedule) is { } interval && interval < limits.MinJobInterval)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid,
                $"job {input.Name}: schedule '{input.Schedule}' fires every {interval.TotalMilliseconds:0.######} ms; the least interval is {limits.MinJobInterval.TotalSeconds:0.###} s");
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
        await Scheduler.ScheduleAsync(new Job(input.Name, input.Schedule, due, input.Repeats, ttl, input.Data), overwrite, limits.MaxJobs, cancellationToken);
    }

    /// <summary>Reads a job.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.JobNotFound"/> when there is none of that name.</exception>
    public async Task<Job> GetAsync(string name, CancellationToken cancellationToken) =>
        await Scheduler.GetAsync(name, cancellationToken) ?? throw new CloudRuntimesException(CloudRuntimesErrors.JobNotFound, $"job {name} not found");

    /// <summary>Deletes a job (nothing when there is none of that name).</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken) => Scheduler.DeleteAsync(name, cancellationToken);

    /// <summary>The least interval of a schedule; null for none, or one that does not parse (the scheduler says why).</summary>
    private static TimeSpan? ShortestInterval(string? schedule)
    {
        if (schedule is null)
        {
            return null;
        }
        try
        {
            return JobSchedule.Parse(schedule).ShortestInterval;
        }
        catch (FormatException)
        {
            return null;
        }
    }

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
