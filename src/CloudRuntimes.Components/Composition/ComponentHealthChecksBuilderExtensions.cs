using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudRuntimes.Components.Composition;

/// <summary>Registers <see cref="ComponentHealthCheck"/> for the components of <c>AddCloudRuntimes</c> (or of the server).</summary>
public static class ComponentHealthChecksBuilderExtensions
{
    /// <summary>Adds one check that asks every component and reports the worst answer, with one data entry per component.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; default <c>cloud-runtimes-components</c>.</param>
    /// <param name="failureStatus">Reported before the components are built; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <param name="probeTimeout">Longest one component may take to answer; default 5 s.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCloudRuntimesComponents(this IHealthChecksBuilder builder, string name = "cloud-runtimes-components", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? probeTimeout = null) =>
        Add(builder, name, null, failureStatus, tags, probeTimeout);

    /// <summary>Adds a check of one component, named like it unless <paramref name="name"/> is given.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="component">The component's name.</param>
    /// <param name="name">The check's name; default the component's name.</param>
    /// <param name="failureStatus">Reported before the components are built or when the component is not defined; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <param name="probeTimeout">Longest the component may take to answer; default 5 s.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCloudRuntimesComponent(this IHealthChecksBuilder builder, string component, string? name = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? probeTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        return Add(builder, name ?? component, component, failureStatus, tags, probeTimeout);
    }

    private static IHealthChecksBuilder Add(IHealthChecksBuilder builder, string name, string? component, HealthStatus? failureStatus, IEnumerable<string>? tags, TimeSpan? probeTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var timeout = probeTimeout ?? TimeSpan.FromSeconds(5);
        return builder.Add(new HealthCheckRegistration(name, provider => new ComponentHealthCheck(provider.GetRequiredService<ComponentHost>(), component, timeout), failureStatus, tags));
    }
}
