using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The shape every conformance suite shares (after Dapr's <c>tests/conformance</c>): a suite is written once
/// against a building-block interface; a small subclass per component names the component type, its metadata
/// and the factories to register. Each test gets a fresh component built through <see cref="CloudRuntimesBuilder"/>
/// from that definition, so the type name and metadata parsing are exercised too.
/// </summary>
/// <typeparam name="T">The building-block interface under test.</typeparam>
public abstract class ComponentConformance<T> : IAsyncLifetime where T : class
{
    /// <summary>The component name every suite uses.</summary>
    protected const string ComponentName = "under-test";

    private readonly List<CloudRuntimesComponents> _built = [];
    private T? _component;

    /// <summary>A fresh directory for the builder's data directory and any files the component needs.</summary>
    protected string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "cr-conformance-" + Guid.NewGuid().ToString("N"));

    /// <summary>The component type, e.g. <c>state.sqlite</c>.</summary>
    protected abstract string ComponentType { get; }

    /// <summary>Component metadata.</summary>
    protected virtual IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>();

    /// <summary>Why this component cannot run here (e.g. no redis-server), or null.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>The component under test; skips the test when <see cref="SkipReason"/> is set.</summary>
    protected T Component
    {
        get
        {
            Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
            return _component ?? throw new InvalidOperationException("component not built");
        }
    }

    /// <summary>Registers the factories of the component's project (built-ins are always registered).</summary>
    /// <param name="builder">The builder.</param>
    protected virtual void AddFactories(CloudRuntimesBuilder builder)
    {
    }

    /// <summary>Looks the component up by name.</summary>
    /// <param name="components">The built components.</param>
    /// <param name="name">Component name.</param>
    /// <returns>The component.</returns>
    protected abstract T Resolve(CloudRuntimesComponents components, string name);

    /// <summary>Builds another instance of the same component definition (same back end, same files).</summary>
    /// <returns>The new instance; disposed with the test.</returns>
    protected async Task<T> OpenAnotherAsync()
    {
        var builder = new CloudRuntimesBuilder("conformance", DataDirectory);
        AddFactories(builder);
        builder.AddComponent(ComponentName, ComponentType, Metadata);
        var components = await builder.BuildAsync();
        _built.Add(components);
        return Resolve(components, ComponentName);
    }

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        if (SkipReason is null)
        {
            _component = await OpenAnotherAsync();
        }
    }

    /// <summary>Stops what a test started (subscriptions, runs) before the components are disposed.</summary>
    /// <returns>A task that completes when stopped.</returns>
    protected virtual ValueTask StopAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var components in _built)
        {
            await components.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}
