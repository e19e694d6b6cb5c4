using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Composition;

/// <summary>Registers Cloud Runtimes components in a service collection, for in-process use without a server.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the components as part of the host: a <see cref="ComponentHost"/> hosted service builds them when the host
    /// starts (a bad component fails the start), and <see cref="ICloudRuntimesComponents"/> resolves to them
    /// (usable once the host has started); the container disposes them.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="appId">The application id.</param>
    /// <param name="configure">Adds factories and components, e.g. <c>b => b.AddSqliteComponents().AddComponentsFrom("components")</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCloudRuntimes(this IServiceCollection services, string appId, Action<CloudRuntimesBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(provider => new ComponentHost(() =>
        {
            var builder = new CloudRuntimesBuilder(appId, loggerFactory: provider.GetService<ILoggerFactory>());
            configure(builder);
            return builder;
        }));
        services.AddHostedService(provider => provider.GetRequiredService<ComponentHost>());
        services.AddSingleton<ICloudRuntimesComponents>(provider => provider.GetRequiredService<ComponentHost>());
        return services;
    }
}
