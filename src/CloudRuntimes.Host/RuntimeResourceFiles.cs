using CloudRuntimes.Components.Resources;

namespace CloudRuntimes.Host;

/// <summary>The resources of <c>--resources-path</c> (components and declarative subscriptions), read once, when the runtime starts.</summary>
internal sealed class RuntimeResourceFiles(RuntimeOptions options)
{
    private readonly Lazy<RuntimeResources> _resources = new(() =>
        options.ComponentsPath is { } path ? ResourceLoader.LoadDirectory(path, options.AppId) : RuntimeResources.Empty);

    /// <summary>The resources; none without a resources path.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: a file is invalid (the message names it).</exception>
    public RuntimeResources Resources => _resources.Value;
}
