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
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ConfigurationStoreNotFound"/>, <see cref="CloudRuntimesErrors.ConfigurationGet"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> for keys over <see cref="RuntimeLimits.MaxRequestMetadataChars"/> together.</exception>
    public Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var configurationStore = components.GetConfigurationStore(store);
        CheckKeys(keys);
        return configurationStore.GetAsync(keys, metadata, cancellationToken);
    }

    /// <summary>Subscribes to changes of keys (all for none); returns the subscription id.</summary>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.ConfigurationStoreNotFound"/>, <see cref="CloudRuntimesErrors.ConfigurationSubscribe"/>;
    /// <see cref="CloudRuntimesErrors.ConfigurationSubscriptionLimit"/> while the store holds its most subscriptions;
    /// <see cref="CloudRuntimesErrors.MalformedRequest"/> for keys over <see cref="RuntimeLimits.MaxRequestMetadataChars"/> together.
    /// </exception>
    public async Task<string> SubscribeAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, ConfigurationChangeHandler handler, CancellationToken cancellationToken)
    {
        var configurationStore = components.GetConfigurationStore(store);
        CheckKeys(keys);
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

    /// <summary>
    /// Refuses keys holding more than <see cref="RuntimeLimits.MaxRequestMetadataChars"/> characters together: over HTTP they
    /// are query parameters within the request line, over gRPC they could take a whole message, kept while a subscription
    /// is open.
    /// </summary>
    private void CheckKeys(IReadOnlyList<string> keys)
    {
        var characters = keys.Sum(key => (long)key.Length);
        if (characters > options.Limits.MaxRequestMetadataChars)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest,
                $"keys: the {keys.Count:N0} keys hold {characters:N0} characters; the keys of a configuration request may hold at most {options.Limits.MaxRequestMetadataChars:N0}");
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
