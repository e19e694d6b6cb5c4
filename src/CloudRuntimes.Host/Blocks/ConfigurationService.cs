using CloudRuntimes.Configuration;

namespace CloudRuntimes.Host.Blocks;

/// <summary>
/// Configuration behind both transports (Dapr configuration API): get, subscribe with a change handler, unsubscribe.
/// Each store holds at most <see cref="RuntimeLimits.MaxConfigurationSubscriptions"/> subscriptions at once (HTTP
/// subscriptions and gRPC streams together); a subscription counts until it is unsubscribed or its stream ends.
/// </summary>
internal sealed class ConfigurationService(ICloudRuntimesComponents components, RuntimeOptions options)
{
    private readonly System.Threading.Lock _gate = new();
    private readonly StoreSlots _slots = new();
    private readonly HashSet<(string Store, string Id)> _subscriptions = [];

    /// <summary>Reads items (all for no keys); unknown keys are left out.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ConfigurationStoreNotFound"/>, <see cref="CloudRuntimesErrors.ConfigurationGet"/>.</exception>
    public Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        components.GetConfigurationStore(store).GetAsync(keys, metadata, cancellationToken);

    /// <summary>Subscribes to changes of keys (all for none); returns the subscription id.</summary>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.ConfigurationStoreNotFound"/>, <see cref="CloudRuntimesErrors.ConfigurationSubscribe"/>;
    /// <see cref="CloudRuntimesErrors.ConfigurationSubscriptionLimit"/> while the store holds its most subscriptions.
    /// </exception>
    public async Task<string> SubscribeAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, ConfigurationChangeHandler handler, CancellationToken cancellationToken)
    {
        var configurationStore = components.GetConfigurationStore(store);
        _slots.Take(store, options.Limits.MaxConfigurationSubscriptions, count => new CloudRuntimesException(CloudRuntimesErrors.ConfigurationSubscriptionLimit,
            $"configuration store {store} holds {count} subscriptions, the most allowed (--max-config-subscriptions): unsubscribe one first"));
        try
        {
            var id = await configurationStore.SubscribeAsync(keys, metadata, handler, cancellationToken);
            lock (_gate)
            {
                _subscriptions.Add((store, id));
            }
            return id;
        }
        catch
        {
            _slots.Release(store);
            throw;
        }
    }

    /// <summary>Ends a subscription; false when there is none of that id.</summary>
    public async Task<bool> UnsubscribeAsync(string store, string id, CancellationToken cancellationToken)
    {
        var ended = await components.GetConfigurationStore(store).UnsubscribeAsync(id, cancellationToken);
        bool held;
        lock (_gate)
        {
            held = _subscriptions.Remove((store, id));
        }
        if (held)
        {
            _slots.Release(store);
        }
        return ended;
    }
}
