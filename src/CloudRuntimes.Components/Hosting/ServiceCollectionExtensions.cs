using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Hosting;

/// <summary>Registers Cloud Runtimes components in a service collection, for in-process use without a server.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ICloudRuntimesComponents"/> (and <see cref="CloudRuntimesComponents"/>) as a singleton built
    /// from <paramref name="configure"/>; the container disposes the components.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="appId">The application id.</param>
    /// <param name="configure">Adds factories and components, e.g. <c>b => b.AddSqliteComponents().AddComponentsFrom("components")</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCloudRuntimes(this IServiceCollection services, string appId, Action<CloudRuntimesBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(provider =>
        {
            var builder = new CloudRuntimesBuilder(appId, loggerFactory: provider.GetService<ILoggerFactory>());
            configure(builder);
            return builder.Build();
        });
        services.AddSingleton<ICloudRuntimesComponents>(provider => provider.GetRequiredService<CloudRuntimesComponents>());
        return services;
    }
}
