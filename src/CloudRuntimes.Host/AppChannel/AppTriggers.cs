using CloudRuntimes.Components;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// Delivers input binding events and job firings to the app over its channel (<see cref="IAppChannel"/>): over HTTP,
/// <c>OPTIONS /{binding}</c> at start (404 = not interested), then <c>POST /{binding}</c> per event and <c>POST /job/{name}</c>
/// per firing; over gRPC, <c>ListInputBindings</c>, <c>OnBindingEvent</c> and <c>OnJobEvent</c>.
/// </summary>
internal sealed class AppTriggers(ICloudRuntimesComponents components, AppClient app, IAppChannel channel, ILogger<AppTriggers> logger) : IHostedService, IAsyncDisposable
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
            await channel.WaitForAppAsync(stopping, report: false);
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
            if (!await channel.WantsBindingAsync(name, cancellationToken))
            {
                logger.LogInformation("app is not interested in input binding {Binding}", name);
                continue;
            }
            _handles.Add(await binding.ReadAsync((bindingEvent, token) => channel.DeliverBindingAsync(name, bindingEvent, token), cancellationToken));
        }
        if (components.Components.Any(c => c.Name == ComponentNames.Jobs))
        {
            _handles.Add(await components.GetJobScheduler(ComponentNames.Jobs).RunAsync(channel.DeliverJobAsync, cancellationToken));
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
