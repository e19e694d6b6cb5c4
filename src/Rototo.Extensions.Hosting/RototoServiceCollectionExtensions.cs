using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rototo.Refresh;

namespace Rototo.Extensions.Hosting;

/// <summary>Registers a hosted, refreshing rototo workspace.</summary>
public static class RototoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RototoWorkspaceService"/> (an <see cref="IHostedService"/> that loads the workspace at host
    /// start and refreshes it every <see cref="RototoHostingOptions.RefreshPeriod"/>) and <see cref="RefreshingWorkspace"/>
    /// as a singleton available once the host has started. Logs go to <c>ILogger&lt;RototoWorkspaceService&gt;</c>;
    /// metrics and traces to the <c>Rototo</c> meter and activity source (<see cref="RototoTelemetry"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="RototoHostingOptions.Source"/> is required.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentException">No source was set, or an option is invalid.</exception>
    public static IServiceCollection AddRototo(this IServiceCollection services, Action<RototoHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RototoHostingOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.Source))
        {
            throw new ArgumentException("AddRototo requires a workspace source (RototoHostingOptions.Source)", nameof(configure));
        }
        services.AddSingleton(options);
        services.AddSingleton<RototoWorkspaceService>();
        services.AddHostedService(provider => provider.GetRequiredService<RototoWorkspaceService>());
        services.AddSingleton(provider => provider.GetRequiredService<RototoWorkspaceService>().Workspace);
        return services;
    }
}
