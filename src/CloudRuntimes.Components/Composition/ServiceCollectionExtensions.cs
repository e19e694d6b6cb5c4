using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, options => options.Configure(o => o.AppId = appId), null, configure);
    }

    /// <summary>
    /// As <see cref="AddCloudRuntimes(IServiceCollection, string, Action{CloudRuntimesBuilder})"/>, with
    /// <see cref="CloudRuntimesOptions"/> (app id, data directory, resources directory) bound from a configuration
    /// section, e.g. <c>builder.Configuration.GetSection("CloudRuntimes")</c>, and checked when the host starts: an
    /// invalid value fails the start with an <see cref="OptionsValidationException"/> naming its key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section.</param>
    /// <param name="configure">Adds factories and components after those of <see cref="CloudRuntimesOptions.ResourcesPath"/>; null for none.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCloudRuntimes(this IServiceCollection services, IConfiguration section, Action<CloudRuntimesBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Add(services, options => options.Bind(section), (section as IConfigurationSection)?.Path ?? "", configure);
    }

    private static IServiceCollection Add(IServiceCollection services, Action<OptionsBuilder<CloudRuntimesOptions>> bind, string? sectionPath, Action<CloudRuntimesBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CloudRuntimesOptions>();
        bind(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<CloudRuntimesOptions>>(new CloudRuntimesOptionsValidator(sectionPath));
        services.AddSingleton(provider => new ComponentHost(() =>
        {
            var settings = provider.GetRequiredService<IOptions<CloudRuntimesOptions>>().Value;
            var builder = new CloudRuntimesBuilder(settings.AppId, settings.DataDirectory, provider.GetService<ILoggerFactory>());
            if (settings.ResourcesPath is { } resources)
            {
                builder.AddComponentsFrom(resources);
            }
            configure?.Invoke(builder);
            return builder;
        }));
        services.AddHostedService(provider => provider.GetRequiredService<ComponentHost>());
        services.AddSingleton<ICloudRuntimesComponents>(provider => provider.GetRequiredService<ComponentHost>());
        return services;
    }
}
