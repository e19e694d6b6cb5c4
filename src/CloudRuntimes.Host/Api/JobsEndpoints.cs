using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;
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
            routes.MapGet(prefix + "/jobs/{name}", async (string name, JobsService jobs, CancellationToken cancellationToken) => ApiJson.Result(ToJson(await jobs.GetAsync(name, cancellationToken))));
            routes.MapDelete(prefix + "/jobs/{name}", async (string name, JobsService jobs, CancellationToken cancellationToken) =>
            {
                await jobs.DeleteAsync(name, cancellationToken);
                return Results.NoContent();
            });
        }
    }

    private static async Task<IResult> ScheduleAsync(string name, HttpRequest request, ICloudRuntimesComponents components, JobsService jobs, CancellationToken cancellationToken)
    {
        _ = components.GetJobScheduler(ComponentNames.Jobs);
        var (body, error) = await ApiJson.ReadAsync<JobBody>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var data = body!.Data is { } value ? ApiJson.Bytes(value) : [];
        var overwrite = !string.Equals(request.Query["overwrite"], "false", StringComparison.OrdinalIgnoreCase);
        await jobs.ScheduleAsync(new JobInput(name, body.Schedule, body.DueTime, body.Repeats, body.Ttl, data), overwrite, cancellationToken);
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

    internal sealed record JobBody(string? Schedule, string? DueTime, int? Repeats, string? Ttl, JsonElement? Data);
}
