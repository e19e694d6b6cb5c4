using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rototo.Refresh;

namespace Rototo.Extensions.Hosting;

/// <summary>
/// The hosted service behind <see cref="RototoServiceCollectionExtensions.AddRototo(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{RototoHostingOptions})"/>:
/// loads the workspace when the host starts (a failed first load fails the start, so a service never runs without
/// configuration) and shuts the refresh loop down when the host stops. When the application registered a workspace
/// it loaded itself, the service only hands it out.
/// </summary>
public sealed class RototoWorkspaceService : IHostedService, IAsyncDisposable
{
    private readonly RototoHostingOptions? _options;
    private readonly ILogger<RototoWorkspaceService> _logger;
    private RefreshingWorkspace? _workspace;

    /// <summary>Creates the service (the container does this).</summary>
    /// <param name="options">The options given to <c>AddRototo</c>, validated at start.</param>
    /// <param name="logger">Receives load and refresh logs.</param>
    public RototoWorkspaceService(IOptions<RototoHostingOptions> options, ILogger<RototoWorkspaceService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        Source = _options.Source;
    }

    /// <summary>Wraps a workspace the application loaded and owns.</summary>
    internal RototoWorkspaceService(RefreshingWorkspace workspace, ILogger<RototoWorkspaceService> logger)
    {
        _workspace = workspace;
        _logger = logger;
        Source = workspace.Source;
    }

    /// <summary>The workspace source (§12).</summary>
    public string Source { get; }

    /// <summary>The options the workspace was loaded with; null for a workspace the application loaded itself.</summary>
    public RototoHostingOptions? Options => _options;

    /// <summary>The refreshing workspace.</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet.</exception>
    public RefreshingWorkspace Workspace => TryGetWorkspace(out var workspace)
        ? workspace
        : throw new InvalidOperationException("the rototo workspace is loaded when the host starts; resolve it after IHost.StartAsync");

    /// <summary>The refreshing workspace, once loaded.</summary>
    /// <param name="workspace">The workspace, or null before the first load.</param>
    /// <returns>Whether it has been loaded.</returns>
    public bool TryGetWorkspace([NotNullWhen(true)] out RefreshingWorkspace? workspace)
    {
        workspace = Volatile.Read(ref _workspace);
        return workspace is not null;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options is null || Volatile.Read(ref _workspace) is not null)
        {
            return;
        }
        _logger.LogInformation("loading rototo workspace {Source}", _options.Source);
        var workspace = await RefreshingWorkspace.LoadAsync(_options.Source, _options.ToRefreshOptions(_logger), _options.ToLoadOptions(), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _workspace, workspace);
        _logger.LogInformation("rototo workspace {Source} loaded (fingerprint {Fingerprint})", _options.Source, workspace.GetStatus().CurrentFingerprint);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_options is not null && Volatile.Read(ref _workspace) is { } workspace)
        {
            await workspace.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_options is not null && Interlocked.Exchange(ref _workspace, null) is { } workspace)
        {
            await workspace.DisposeAsync().ConfigureAwait(false);
        }
    }
}
