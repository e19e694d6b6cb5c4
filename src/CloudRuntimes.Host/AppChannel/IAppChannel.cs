using CloudRuntimes.Bindings;
using CloudRuntimes.Jobs;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>An event of a bulk delivery: the message and its CloudEvent envelope.</summary>
internal sealed record BulkEntry(TopicMessage Message, byte[] Envelope);

/// <summary>
/// The runtime's calls to the local app, in the app's protocol (<c>--app-protocol</c>): HTTP (Dapr's app routes,
/// <see cref="HttpAppChannel"/>) or gRPC (<c>dapr.proto.runtime.v1.AppCallback</c>, <see cref="GrpcAppChannel"/>).
/// The subscriptions, input bindings, jobs and configuration updates go through it; service invocation of the local
/// app too.
/// </summary>
internal interface IAppChannel
{
    /// <summary>Waits until the app answers (its port is open; over gRPC, its server answers the health check), however long that takes.</summary>
    /// <param name="cancellationToken">Ends the wait (the runtime is stopping).</param>
    /// <param name="report">Log the wait; false for a second waiter (the app's triggers wait beside its subscriptions, which report it).</param>
    Task WaitForAppAsync(CancellationToken cancellationToken, bool report = true);

    /// <summary>The app's programmatic subscriptions, asked until the app answers; none when it has none.</summary>
    Task<IReadOnlyList<AppSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>Delivers one event to <paramref name="route"/>; the app's answer as a delivery outcome.</summary>
    Task<DeliveryStatus> DeliverEventAsync(AppSubscription subscription, string route, TopicMessage message, byte[] envelope, IReadOnlyDictionary<string, string> trace, CancellationToken cancellationToken);

    /// <summary>Delivers events together (bulk subscriptions); the outcome per message id (a missing id is retried).</summary>
    Task<IReadOnlyDictionary<string, DeliveryStatus>> DeliverBulkAsync(AppSubscription subscription, string route, IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken);

    /// <summary>True when the app takes the events of the input binding <paramref name="name"/>.</summary>
    Task<bool> WantsBindingAsync(string name, CancellationToken cancellationToken);

    /// <summary>Delivers an input binding event (a failure of the app is logged).</summary>
    Task DeliverBindingAsync(string name, BindingEvent bindingEvent, CancellationToken cancellationToken);

    /// <summary>Delivers a job firing (a failure of the app is logged).</summary>
    Task DeliverJobAsync(Job job, CancellationToken cancellationToken);

    /// <summary>Delivers a configuration update of a subscription made over the HTTP API (<c>{"id", "items"}</c>) for one changed key.</summary>
    Task NotifyConfigurationAsync(string store, string key, byte[] update, CancellationToken cancellationToken);
}
