using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rototo.Refresh;
using Rototo.Sources;

namespace Rototo.Extensions.Hosting;

/// <summary>Registers a hosted, refreshing rototo workspace.</summary>
public static class RototoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RototoWorkspaceService"/> (an <see cref="IHostedService"/> that loads the workspace at host
    /// start and refreshes it every <see cref="RototoHostingOptions.RefreshPeriod"/>) and <see cref="RefreshingWorkspace"/>
    /// as a singleton available once the host has started. The options are checked when the host starts
    /// (<c>ValidateOnStart</c>): an invalid option fails the start with an <see cref="OptionsValidationException"/> naming
    /// the property. Logs go to <c>ILogger&lt;RototoWorkspaceService&gt;</c>; metrics and traces to the <c>Rototo</c> meter
    /// and activity source (<see cref="RototoTelemetry"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="RototoHostingOptions.Source"/> is required.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRototo(this IServiceCollection services, Action<RototoHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddHosted(services, options => options.Configure(configure), sectionPath: null);
    }

    /// <summary>
    /// As <see cref="AddRototo(IServiceCollection, Action{RototoHostingOptions})"/>, with the options bound from a
    /// configuration section, e.g. <c>builder.Configuration.GetSection("Rototo")</c> holding <c>Source</c>,
    /// <c>RefreshPeriod</c> (<c>hh:mm:ss</c>), <c>Lint</c>, <c>Sources:WorkspaceToken</c>, ... A value that does not convert
    /// or does not validate fails the host start with a message naming its key (<c>Rototo:RefreshPeriod</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRototo(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddHosted(
            services,
            options => options.Bind(section).Configure(bound => bound.Sources = SourcesFrom(section.GetSection(nameof(RototoHostingOptions.Sources)), bound.Sources)),
            (section as IConfigurationSection)?.Path ?? "");
    }

    /// <summary>
    /// The <c>Sources</c> keys over <paramref name="current"/>: the configuration binder's source generator sets settable
    /// properties only, and <see cref="WorkspaceSourceOptions"/> is an immutable record, so its keys are read one by one.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value does not convert (the message names its key).</exception>
    private static WorkspaceSourceOptions SourcesFrom(IConfigurationSection section, WorkspaceSourceOptions current) => current with
    {
        GitTimeout = section.GetValue(nameof(WorkspaceSourceOptions.GitTimeout), current.GitTimeout),
        HttpTimeout = section.GetValue(nameof(WorkspaceSourceOptions.HttpTimeout), current.HttpTimeout),
        MaxArchiveBytes = section.GetValue(nameof(WorkspaceSourceOptions.MaxArchiveBytes), current.MaxArchiveBytes),
        MaxUnpackedBytes = section.GetValue(nameof(WorkspaceSourceOptions.MaxUnpackedBytes), current.MaxUnpackedBytes),
        MaxArchiveEntries = section.GetValue(nameof(WorkspaceSourceOptions.MaxArchiveEntries), current.MaxArchiveEntries),
        MaxFileBytes = section.GetValue(nameof(WorkspaceSourceOptions.MaxFileBytes), current.MaxFileBytes),
        WorkspaceToken = section.GetValue(nameof(WorkspaceSourceOptions.WorkspaceToken), current.WorkspaceToken),
    };

    /// <summary>
    /// Registers a workspace the application already loaded (e.g. the one its configuration provider reads, from
    /// <c>builder.Configuration.AddRototoAsync(...)</c>), so the feature-flag bridge, health checks and services share it.
    /// The caller keeps ownership: the host does not shut it down.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="workspace">The loaded workspace.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRototo(this IServiceCollection services, RefreshingWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(workspace);
        services.TryAddSingleton(provider => new RototoWorkspaceService(workspace, provider.GetRequiredService<ILogger<RototoWorkspaceService>>()));
        services.TryAddSingleton(provider => provider.GetRequiredService<RototoWorkspaceService>().Workspace);
        return services;
    }

    private static IServiceCollection AddHosted(IServiceCollection services, Action<OptionsBuilder<RototoHostingOptions>> configure, string? sectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RototoHostingOptions>();
        configure(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<RototoHostingOptions>>(new RototoHostingOptionsValidator(sectionPath));
        services.TryAddSingleton<RototoWorkspaceService>();
        services.AddHostedService(provider => provider.GetRequiredService<RototoWorkspaceService>());
        services.TryAddSingleton(provider => provider.GetRequiredService<RototoWorkspaceService>().Workspace);
        return services;
    }
}
