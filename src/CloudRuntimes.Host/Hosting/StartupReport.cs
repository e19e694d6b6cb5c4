using CloudRuntimes.Host.Plugins;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CloudRuntimes.Host.Hosting;

/// <summary>
/// Once the server listens, one short block at info level says what runs and where: the HTTP and gRPC APIs' addresses
/// (and the dashboard's), the data folder, the components, the plugins and the app channel.
/// </summary>
internal sealed class StartupReport(IHostApplicationLifetime lifetime, IServer server, RuntimeOptions options, ICloudRuntimesComponents components, PluginService plugins, ILoggerFactory loggers, RuntimeListeners? listeners = null) : IHostedService
{
    /// <summary>The category of the block's log lines.</summary>
    public const string Category = "cloud-runtimes";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report()
    {
        var logger = loggers.CreateLogger(Category);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var api = listeners?.HttpPort is { } httpPort ? $"http://{options.ListenAddress}:{httpPort}" : addresses.FirstOrDefault() ?? $"http://{options.ListenAddress}:{options.Port}";
        var grpc = listeners?.GrpcPort is { } grpcPort ? $", gRPC API on {options.ListenAddress}:{grpcPort} (HTTP/2 cleartext)" : "";
        logger.LogInformation("cloud-runtimes is ready: app id {AppId}, HTTP API on {Api}{Grpc}{Dashboard}",
            options.AppId, api, grpc, options.Dashboard ? $", dashboard at {api}/dashboard" : "");
        logger.LogInformation("data folder: {Folder}", Path.GetFullPath(options.DataDirectory));
        logger.LogInformation("components: {Components}", string.Join(", ", components.Components.Select(c => $"{c.Name} ({c.Type})")));
        var loaded = plugins.Plugins?.Plugins ?? [];
        logger.LogInformation("plugins: {Plugins}", loaded.Count == 0 ? "none" : string.Join(", ", loaded.Select(p => $"{p.Manifest.Id} at {p.Manifest.Entrypoint}")));
        logger.LogInformation("app channel: {App}", options.AppPort is { } port ? $"http://{options.AppAddress}:{port}" : "none (no --app-port)");
    }
}
