using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;

namespace Rototo.FeatureManagement;

/// <summary>
/// The feature definitions of one workspace version, built once per variable on first use: a bool variable is a flag
/// evaluated by <see cref="RototoFeatureFilter"/>, or on or off outright when it reads no context; any other variable is
/// a variant feature with one definition per value key, chosen by the resolution.
/// </summary>
internal sealed class RototoFeatureCatalog(Workspace workspace, IReadOnlyCollection<string>? selected)
{
    private readonly ConcurrentDictionary<string, RototoFeature?> _features = new(StringComparer.Ordinal);
    private readonly HashSet<string>? _selected = selected is null ? null : new HashSet<string>(selected, StringComparer.Ordinal);

    public Workspace Workspace { get; } = workspace;

    /// <summary>The feature names, in workspace order.</summary>
    public IEnumerable<string> Names => Workspace.VariableIds.Where(id => _selected?.Contains(id) ?? true);

    /// <summary>The feature of that name; null when no (selected) variable has it.</summary>
    public RototoFeature? Get(string name) => _features.GetOrAdd(name, static (id, catalog) => catalog.Build(id), this);

    private RototoFeature? Build(string id)
    {
        if ((_selected is not null && !_selected.Contains(id)) || !Workspace.VariableIds.Contains(id, StringComparer.Ordinal))
        {
            return null;
        }
        var values = Workspace.GetVariableValues(id);
        return values[0].Value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? RototoFeature.Flag(Workspace, id)
            : RototoFeature.Variants(id, values);
    }
}

/// <summary>One feature's definitions, shared by every evaluation of one workspace version.</summary>
internal sealed class RototoFeature
{
    private readonly Dictionary<string, Task<FeatureDefinition>> _byValueKey;

    private RototoFeature(bool isFlag, FeatureDefinition listed, Dictionary<string, Task<FeatureDefinition>> byValueKey, Task<FeatureDefinition> unresolved)
    {
        IsFlag = isFlag;
        Listed = listed;
        Definition = Task.FromResult(listed);
        _byValueKey = byValueKey;
        Unresolved = unresolved;
    }

    /// <summary>True for a bool variable.</summary>
    public bool IsFlag { get; }

    /// <summary>The definition listed by <c>GetAllFeatureDefinitionsAsync</c>: the flag, or the variant feature at its default value.</summary>
    public FeatureDefinition Listed { get; }

    /// <summary><see cref="Listed"/> as a completed task (a flag's definition does not depend on the context).</summary>
    public Task<FeatureDefinition> Definition { get; }

    /// <summary>A disabled definition without variants, for an evaluation whose context does not resolve.</summary>
    public Task<FeatureDefinition> Unresolved { get; }

    /// <summary>The definition selecting the variant of <paramref name="valueKey"/>.</summary>
    public Task<FeatureDefinition> For(string valueKey) => _byValueKey.GetValueOrDefault(valueKey) ?? Unresolved;

    /// <summary>The filter name Microsoft.FeatureManagement answers itself, without a filter: the feature is on.</summary>
    private const string AlwaysOn = "AlwaysOn";

    /// <summary>
    /// A flag: evaluated by the <c>Rototo</c> filter with each evaluation's context; a flag whose variable reads no
    /// context (<see cref="Workspace.ReadsContext"/>) has the same value for every context, so it is resolved once here and
    /// defined on (<c>AlwaysOn</c>) or off (disabled), which Microsoft.FeatureManagement answers without a filter.
    /// </summary>
    public static RototoFeature Flag(Workspace workspace, string id)
    {
        var disabled = new FeatureDefinition { Name = id, Status = FeatureStatus.Disabled };
        var definition = ContextFreeValue(workspace, id) switch
        {
            true => new FeatureDefinition { Name = id, EnabledFor = [new FeatureFilterConfiguration { Name = AlwaysOn }] },
            false => disabled,
            null => new FeatureDefinition { Name = id, EnabledFor = [new FeatureFilterConfiguration { Name = RototoFeatureFilter.Alias }] },
        };
        return new RototoFeature(true, definition, [], Task.FromResult(disabled));
    }

    /// <summary>The value of a bool variable that reads no context; null when it reads one, or does not resolve without one (left to the filter, which logs why).</summary>
    private static bool? ContextFreeValue(Workspace workspace, string id)
    {
        if (workspace.ReadsContext(id))
        {
            return null;
        }
        try
        {
            return workspace.ResolveVariable(id, ResolveContext.Empty, validateContext: false).Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
        }
        catch (RototoException)
        {
            return null;
        }
    }

    /// <summary>
    /// A variant feature: the definition of a value key has that one variant, assigned as the "default when disabled"
    /// with an <see cref="StatusOverride.Enabled"/> override, so the feature is enabled and its variant chosen without a
    /// targeting context.
    /// </summary>
    public static RototoFeature Variants(string id, IReadOnlyList<VariableResolution> values)
    {
        var definitions = values.ToDictionary(value => value.ValueKey, value => new FeatureDefinition
        {
            Name = id,
            EnabledFor = [],
            Variants = [new VariantDefinition { Name = value.ValueKey, ConfigurationValue = Section(value.Value), StatusOverride = StatusOverride.Enabled }],
            Allocation = new Allocation { DefaultWhenDisabled = value.ValueKey },
        }, StringComparer.Ordinal);
        return new RototoFeature(
            false,
            definitions[values[0].ValueKey],
            definitions.ToDictionary(entry => entry.Key, entry => Task.FromResult(entry.Value), StringComparer.Ordinal),
            Task.FromResult(new FeatureDefinition { Name = id, Status = FeatureStatus.Disabled }));
    }

    /// <summary>A variant's configuration: the value, flattened as JSON configuration flattens it (a primitive is the section's value).</summary>
    private static IConfigurationSection Section(JsonElement value)
    {
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, JsonElement> { ["value"] = value }));
        return new ConfigurationBuilder().AddJsonStream(stream).Build().GetSection("value");
    }
}
