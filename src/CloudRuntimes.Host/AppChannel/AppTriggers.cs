using System.Net;
using System.Net.Http.Headers;
using CloudRuntimes.Host.Api;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// Delivers input binding events (<c>OPTIONS /{binding}</c> at start, 404 = not interested; then <c>POST /{binding}</c>
/// per event) and job firings (<c>POST /job/{name}</c>) to the app.
/// </summary>
internal sealed class AppTriggers(ICloudRuntimesComponents components, AppClient app, ILogger<AppTriggers> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _handles = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!app.Configured)
        {
            return;
        }
        foreach (var (name, binding) in components.InputBindings)
        {
            using var probe = await app.SendAsync(HttpMethod.Options, "/" + name, null, null, cancellationToken);
            if (probe.StatusCode == HttpStatusCode.NotFound)
            {
                logger.LogInformation("app is not interested in input binding {Binding}", name);
                continue;
            }
            _handles.Add(await binding.ReadAsync(async (bindingEvent, token) =>
            {
                using var content = new ByteArrayContent(bindingEvent.Data.ToArray());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await app.SendAsync(HttpMethod.Post, "/" + name, content, bindingEvent.Metadata, token);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("app answered {Status} to input binding {Binding}", (int)response.StatusCode, name);
                }
            }, cancellationToken));
        }
        if (components.Components.Any(c => c.Name == JobsEndpoints.SchedulerName))
        {
            _handles.Add(await components.GetJobScheduler(JobsEndpoints.SchedulerName).RunAsync(async (job, token) =>
            {
                using var content = new ByteArrayContent(job.Data.ToArray());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await app.SendAsync(HttpMethod.Post, "/job/" + Uri.EscapeDataString(job.Name), content, null, token);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("app answered {Status} to job {Job}", (int)response.StatusCode, job.Name);
                }
            }, cancellationToken));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var handle in _handles)
        {
            await handle.DisposeAsync();
        }
        _handles.Clear();
    }
}
