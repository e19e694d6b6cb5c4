using System.Net;
using System.Net.Http.Headers;
using CloudRuntimes.Components;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// Delivers input binding events (<c>OPTIONS /{binding}</c> at start, 404 = not interested; then <c>POST /{binding}</c>
/// per event) and job firings (<c>POST /job/{name}</c>) to the app.
/// </summary>
internal sealed class AppTriggers(ICloudRuntimesComponents components, AppClient app, ILogger<AppTriggers> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _handles = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task _opening = Task.CompletedTask;

    /// <summary>Starts delivering in the background, once the app's port is open (the runtime's API listens meanwhile).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (app.Configured)
        {
            _opening = Task.Run(() => OpenAsync(_stopping.Token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    private async Task OpenAsync(CancellationToken stopping)
    {
        try
        {
            await app.WaitForAppAsync(stopping, report: false);
            await DeliverAllAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError("starting input bindings and jobs for the app failed: {Error}", e.Message);
        }
    }

    private async Task DeliverAllAsync(CancellationToken cancellationToken)
    {
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
        if (components.Components.Any(c => c.Name == ComponentNames.Jobs))
        {
            _handles.Add(await components.GetJobScheduler(ComponentNames.Jobs).RunAsync(async (job, token) =>
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
        await _stopping.CancelAsync();
        await _opening;
        await AsyncDisposal.DisposeAllAsync(_handles);
        _handles.Clear();
    }
}
