using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.FeatureManagement;

namespace Rototo.FeatureManagement.AspNetCore;

/// <summary><c>services.AddFeatureManagement().WithRototoHttpContext(...)</c>.</summary>
public static class RototoAspNetCoreFeatureManagementBuilderExtensions
{
    /// <summary>
    /// As <see cref="RototoFeatureManagementBuilderExtensions.WithRototo"/>, with each evaluation's context built from
    /// the current request by <see cref="HttpContextRototoContextAccessor"/> (unless the application registered its own
    /// <see cref="IRototoContextAccessor"/> before).
    /// </summary>
    /// <param name="builder">The feature management builder.</param>
    /// <param name="configure">Maps the user id, claims and headers to context paths; null for the user id only.</param>
    /// <param name="configureFeatures">Sets the base context and the variables that are features; null for defaults.</param>
    /// <returns>The builder.</returns>
    public static IFeatureManagementBuilder WithRototoHttpContext(this IFeatureManagementBuilder builder, Action<RototoHttpContextOptions>? configure = null, Action<RototoFeatureOptions>? configureFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RototoHttpContextOptions();
        configure?.Invoke(options);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton<IRototoContextAccessor, HttpContextRototoContextAccessor>();
        return builder.WithRototo(configureFeatures);
    }
}
