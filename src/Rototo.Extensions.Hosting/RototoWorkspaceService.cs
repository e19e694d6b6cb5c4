using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rototo.Refresh;

namespace Rototo.Extensions.Hosting;

/// <summary>
/// The hosted service behind <see cref="RototoServiceCollectionExtensions.AddRototo"/>: loads the workspace when the
/// host starts (a failed first load fails the start, so a service never runs without configuration) and shuts the
/// refresh loop down when the host stops.
/// </summary>
public sealed class RototoWorkspaceService : IHostedService, IAsyncDisposable
{
    private readonly RototoHostingOptions _options;
    private readonly ILogger<RototoWorkspaceService> _logger;
    private RefreshingWorkspace? _workspace;

    /// <summary>Creates the service (the container does this).</summary>
    /// <param name="options">The options given to <c>AddRototo</c>.</param>
    /// <param name="logger">Receives load and refresh logs.</param>
    public RototoWorkspaceService(RototoHostingOptions options, ILogger<RototoWorkspaceService> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>The refreshing workspace.</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet.</exception>
    public RefreshingWorkspace Workspace => Volatile.Read(ref _workspace)
        ?? throw new InvalidOperationException("the rototo workspace is loaded when the host starts; resolve it after IHost.StartAsync");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("loading rototo workspace {Source}", _options.Source);
        var workspace = await RefreshingWorkspace.LoadAsync(_options.Source, _options.ToRefreshOptions(_logger), _options.ToLoadOptions(), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _workspace, workspace);
        _logger.LogInformation("rototo workspace {Source} loaded (fingerprint {Fingerprint})", _options.Source, workspace.GetStatus().CurrentFingerprint);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _workspace) is { } workspace)
        {
            await workspace.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _workspace, null) is { } workspace)
        {
            await workspace.DisposeAsync().ConfigureAwait(false);
        }
    }
}
