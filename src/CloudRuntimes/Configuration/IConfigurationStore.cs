namespace CloudRuntimes.Configuration;

/// <summary>A read-only configuration store with change subscriptions (Dapr configuration API, <c>/v1.0/configuration/{store}</c>).</summary>
public interface IConfigurationStore
{
    /// <summary>Reads configuration items.</summary>
    /// <param name="keys">Keys to read; empty for all keys.</param>
    /// <param name="metadata">Request metadata (for a rototo store: the resolution context).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The items found, by key; missing keys are absent.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ConfigurationGet"/>.</exception>
    Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to changes of keys; the handler receives the changed items.</summary>
    /// <param name="keys">Keys to watch; empty for all.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="handler">Called with each change.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The subscription id, for <see cref="UnsubscribeAsync"/>.</returns>
    Task<string> SubscribeAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata, ConfigurationChangeHandler handler, CancellationToken cancellationToken = default);

    /// <summary>Ends a subscription.</summary>
    /// <param name="subscriptionId">The id <see cref="SubscribeAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the subscription existed.</returns>
    Task<bool> UnsubscribeAsync(string subscriptionId, CancellationToken cancellationToken = default);
}

/// <summary>A configuration value.</summary>
/// <param name="Value">The value as text (JSON for structured values).</param>
/// <param name="Version">An opaque version that changes when the value changes.</param>
/// <param name="Metadata">Item metadata.</param>
public sealed record ConfigurationItem(string Value, string Version, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A change notification: the items whose values changed.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Items">Changed items by key.</param>
public sealed record ConfigurationUpdate(string SubscriptionId, IReadOnlyDictionary<string, ConfigurationItem> Items);

/// <summary>Receives configuration changes.</summary>
/// <param name="update">The change.</param>
/// <param name="cancellationToken">Signalled when the subscription ends.</param>
/// <returns>A task that completes when handled.</returns>
public delegate Task ConfigurationChangeHandler(ConfigurationUpdate update, CancellationToken cancellationToken);
