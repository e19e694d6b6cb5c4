using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.FeatureManagement;

namespace Rototo.FeatureManagement;

/// <summary><c>services.AddFeatureManagement().WithRototo()</c>.</summary>
public static class RototoFeatureManagementBuilderExtensions
{
    /// <summary>
    /// Answers <c>IFeatureManager</c>, <c>IVariantFeatureManager</c>, <c>[FeatureGate]</c>, <c>WithFeatureGate</c> and the
    /// <c>&lt;feature&gt;</c> tag helper from the rototo workspace registered with <c>services.AddRototo(...)</c>: registers
    /// <see cref="RototoFeatureDefinitionProvider"/> as the feature definition provider (in place of the configuration's),
    /// <see cref="RototoFeatureFilter"/> and <see cref="RototoContextualFeatureFilter"/>, and <see cref="FixedRototoContextAccessor"/> unless an
    /// <see cref="IRototoContextAccessor"/> is registered already.
    /// </summary>
    /// <param name="builder">The feature management builder.</param>
    /// <param name="configure">Sets the base context and the variables that are features; null for defaults.</param>
    /// <returns>The builder.</returns>
    public static IFeatureManagementBuilder WithRototo(this IFeatureManagementBuilder builder, Action<RototoFeatureOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RototoFeatureOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton<IRototoContextAccessor, FixedRototoContextAccessor>();
        builder.Services.AddSingleton<RototoFeatureDefinitionProvider>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IFeatureDefinitionProvider>(provider => provider.GetRequiredService<RototoFeatureDefinitionProvider>()));
        return builder.AddFeatureFilter<RototoFeatureFilter>().AddFeatureFilter<RototoContextualFeatureFilter>();
    }
}
