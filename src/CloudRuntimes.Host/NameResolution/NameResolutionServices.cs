using CloudRuntimes.Components.Resources;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>Wires name resolution and runtime-to-runtime invocation when <c>--config FILE</c> has <c>spec.nameResolution</c>.</summary>
internal static class NameResolutionServices
{
    /// <summary>Connection attempts to a replica give up after this: 2 seconds.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Reads the configuration file of <see cref="RuntimeOptions.ConfigFile"/> and adds the peer services when it configures name resolution.</summary>
    /// <returns>True when name resolution is on.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: a bad configuration file.</exception>
    public static bool AddNameResolution(this IServiceCollection services, RuntimeOptions options)
    {
        if (options.ConfigFile is null || ResourceLoader.LoadConfiguration(options.ConfigFile).NameResolution is not { } definition)
        {
            return false;
        }
        services.AddSingleton(definition);
        services.AddSingleton(new PeerAuthentication(definition.SharedSecret));
        services.AddSingleton<PeerNetwork>();
        services.AddSingleton<ReplicaRotation>();
        services.AddHostedService(provider => provider.GetRequiredService<PeerNetwork>());
        services.AddHttpClient<PeerInvoker>(client => client.Timeout = TimeSpan.FromSeconds(60))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectCallback = ConnectAsync });
        return true;
    }

    /// <summary>
    /// Connects to a replica within <see cref="ConnectTimeout"/>; a timeout fails as a socket error, so that the handler
    /// reports it as a connection error (<see cref="HttpRequestError.ConnectionError"/>) and the call goes to another replica.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, limit.Token);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
