using CloudRuntimes.Components.NameResolution;
using CloudRuntimes.Components.PostgreSql.NameResolution;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Resources;
using CloudRuntimes.Components.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>
/// This runtime's place among its peers: opens the name resolver when the server starts (a bad configuration stops the
/// start), registers the runtime under its app id once it listens (only with an app, <c>--app-port</c>) and renews that
/// every update interval, and removes the registration when the server stops.
/// </summary>
internal sealed class PeerNetwork(NameResolutionDefinition definition, RuntimeOptions options, IServer server, IHostApplicationLifetime lifetime, ILogger<PeerNetwork> logger)
    : IHostedService, IAsyncDisposable
{
    private NameRegistration? _registration;
    private readonly CancellationTokenSource _stopping = new();
    private INameResolver? _resolver;
    private Task _renewing = Task.CompletedTask;

    /// <summary>The resolver, once started.</summary>
    public INameResolver Resolver => _resolver ?? throw new InvalidOperationException("name resolution has not started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _resolver = definition.Resolver.Type switch
        {
            "nameresolution.sqlite" => await SqliteNameResolver.OpenAsync(definition.Resolver, cancellationToken),
            "nameresolution.redis" => await RedisNameResolver.OpenAsync(definition.Resolver),
            "nameresolution.postgresql" => await PostgreSqlNameResolver.OpenAsync(definition.Resolver, cancellationToken),
            "nameresolution.dns" => DnsNameResolver.Open(definition.Resolver),
            var type => throw definition.Resolver.Invalid($"spec.nameResolution.component '{type["nameresolution.".Length..]}' is not supported (supported: sqlite, redis, postgresql, dns)"),
        };
        if (options.AppPort is not null)
        {
            lifetime.ApplicationStarted.Register(() => _renewing = RenewAsync(_stopping.Token));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _renewing;
        if (_resolver is not null && _registration is not null)
        {
            try
            {
                await _resolver.UnregisterAsync(_registration, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("name resolution: removing this runtime's registration failed: {Error}", e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_resolver is not null)
        {
            await _resolver.DisposeAsync();
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var registration = _registration = new NameRegistration(Guid.NewGuid().ToString("N"), options.AppId, Address());
        logger.LogInformation("name resolution: registering app {AppId} at {Address}", options.AppId, registration.Address);
        while (true)
        {
            try
            {
                await Resolver.RegisterAsync(registration, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("name resolution: renewing this runtime's registration failed: {Error}", e.Message);
            }
            try
            {
                await Task.Delay(Resolver.UpdateInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The address peers reach this runtime at: the bound address, with <c>DAPR_HOST_IP</c> in place of an any-address (0.0.0.0, [::]).</summary>
    private Uri Address()
    {
        var bound = new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (!System.Net.IPAddress.TryParse(bound.Host.Trim('[', ']'), out var ip) || !(ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any)))
        {
            return bound;
        }
        var host = Environment.GetEnvironmentVariable("DAPR_HOST_IP") is { Length: > 0 } given ? given : System.Net.Dns.GetHostName();
        return new UriBuilder(bound) { Host = host }.Uri;
    }
}
