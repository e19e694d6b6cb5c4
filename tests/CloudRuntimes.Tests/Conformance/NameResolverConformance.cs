using CloudRuntimes.Components;
using CloudRuntimes.Components.NameResolution;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// What every registering name resolver does (sqlite, redis, postgresql): runtimes registered under an app id are
/// resolved, in ordinal order; other app ids are not; an unregistered runtime drops out at once, and one that stops
/// renewing after twice its update interval (1 s here). Two resolver instances on one back end stand for two runtimes.
/// </summary>
public abstract class NameResolverConformance : IAsyncLifetime
{
    private readonly List<INameResolver> _opened = [];

    /// <summary>The resolver type, e.g. <c>nameresolution.sqlite</c>.</summary>
    protected abstract string ResolverType { get; }

    /// <summary>The back end's settings (<c>updateInterval</c> is added).</summary>
    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Why the back end cannot run here, or null.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>Opens a resolver from its definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The resolver.</returns>
    protected abstract Task<INameResolver> OpenAsync(ComponentDefinition definition);

    private static string AppId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private static NameRegistration Runtime(string appId, int port) => new(Guid.NewGuid().ToString("N"), appId, new Uri($"http://127.0.0.1:{port}/"));

    private async Task<INameResolver> OpenAsync()
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
        var settings = new Dictionary<string, string>(Settings) { ["updateInterval"] = "1s" };
        var resolver = await OpenAsync(new ComponentDefinition("nameResolution", ResolverType, "v1", settings, [], "config.yaml"));
        _opened.Add(resolver);
        return resolver;
    }

    [Fact]
    public async Task Registered_runtimes_of_an_app_id_are_resolved_in_order_and_dropped_when_they_unregister()
    {
        var (first, second) = (await OpenAsync(), await OpenAsync());
        var (orders, billing) = (AppId("orders"), AppId("billing"));
        var (b, a, other) = (Runtime(orders, 41002), Runtime(orders, 41001), Runtime(billing, 41003));

        await first.RegisterAsync(b, default);
        await second.RegisterAsync(a, default);
        await second.RegisterAsync(other, default);

        Assert.Equal([new Uri("http://127.0.0.1:41001/"), new Uri("http://127.0.0.1:41002/")], await first.ResolveAsync(orders, default));
        Assert.Equal([new Uri("http://127.0.0.1:41003/")], await first.ResolveAsync(billing, default));
        Assert.Empty(await first.ResolveAsync(AppId("nobody"), default));

        await second.UnregisterAsync(a, default);

        Assert.Equal([new Uri("http://127.0.0.1:41002/")], await first.ResolveAsync(orders, default));
    }

    [Fact]
    public async Task A_runtime_that_stops_renewing_drops_out_after_twice_the_update_interval()
    {
        var (renewing, lapsing) = (await OpenAsync(), await OpenAsync());
        var orders = AppId("orders");
        var (kept, lost) = (Runtime(orders, 42001), Runtime(orders, 42002));
        await renewing.RegisterAsync(kept, default);
        await lapsing.RegisterAsync(lost, default);

        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(900);
            await renewing.RegisterAsync(kept, default);
        }

        Assert.Equal([new Uri("http://127.0.0.1:42001/")], await renewing.ResolveAsync(orders, default));
    }

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var resolver in _opened)
        {
            await resolver.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
