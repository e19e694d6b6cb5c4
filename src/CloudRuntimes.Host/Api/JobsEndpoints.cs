using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using CloudRuntimes.Components.Jobs;
using CloudRuntimes.Jobs;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr jobs API: <c>/v1.0-alpha1/jobs/{name}</c> (and <c>/v1.0/jobs/{name}</c>) POST, GET, DELETE; jobs fire to the app at <c>/job/{name}</c>.</summary>
internal static class JobsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var prefix in new[] { "/v1.0", "/v1.0-alpha1" })
        {
            routes.MapPost(prefix + "/jobs/{name}", ScheduleAsync);
            routes.MapGet(prefix + "/jobs/{name}", GetAsync);
            routes.MapDelete(prefix + "/jobs/{name}", DeleteAsync);
        }
    }

    private static async Task<IResult> ScheduleAsync(string name, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var scheduler = components.GetJobScheduler(ComponentNames.Jobs);
        var (body, error) = await ApiJson.ReadAsync<JobBody>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        DateTimeOffset? due, ttl;
        try
        {
            due = Time(body!.DueTime);
            ttl = Time(body.Ttl);
        }
        catch (FormatException e)
        {
            return ApiErrors.Result(CloudRuntimesErrors.JobInvalid, $"job {name}: {e.Message}");
        }
        var data = body.Data is { } value ? JsonSerializer.SerializeToUtf8Bytes(value) : [];
        var overwrite = !string.Equals(request.Query["overwrite"], "false", StringComparison.OrdinalIgnoreCase);
        await scheduler.ScheduleAsync(new Job(name, body.Schedule, due, body.Repeats, ttl, data), overwrite, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(string name, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var job = await components.GetJobScheduler(ComponentNames.Jobs).GetAsync(name, cancellationToken);
        if (job is null)
        {
            return ApiErrors.Result(CloudRuntimesErrors.JobNotFound, $"job {name} not found");
        }
        return Results.Json(ToJson(job));
    }

    private static async Task<IResult> DeleteAsync(string name, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        await components.GetJobScheduler(ComponentNames.Jobs).DeleteAsync(name, cancellationToken);
        return Results.NoContent();
    }

    public static JsonObject ToJson(Job job)
    {
        var json = new JsonObject { ["name"] = job.Name };
        if (job.Schedule is not null)
        {
            json["schedule"] = job.Schedule;
        }
        if (job.DueTime is { } due)
        {
            json["dueTime"] = due.ToString("O", CultureInfo.InvariantCulture);
        }
        if (job.Repeats is { } repeats)
        {
            json["repeats"] = repeats;
        }
        if (job.Ttl is { } ttl)
        {
            json["ttl"] = ttl.ToString("O", CultureInfo.InvariantCulture);
        }
        if (job.Data.Length > 0)
        {
            json["data"] = JsonNode.Parse(job.Data.Span);
        }
        return json;
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

    internal sealed record JobBody(string? Schedule, string? DueTime, int? Repeats, string? Ttl, JsonElement? Data);
}
