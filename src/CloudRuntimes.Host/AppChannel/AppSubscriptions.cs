using CloudRuntimes.Components;
using CloudRuntimes.Host.Events;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// Subscribes the app's subscriptions (<see cref="SubscriptionDiscovery"/>: declarative ones when the runtime starts,
/// programmatic ones once the app's port is open) to the pub/sub components, and delivers each message as a CloudEvent to the path of the first routing
/// rule (CEL) that matches it, else to the default route (an event neither matches is skipped, as Dapr does), over the
/// app channel (<see cref="IAppChannel"/>, HTTP or gRPC): the app's answer acknowledges, retries or drops the event
/// (to the dead-letter topic when one is set).
/// </summary>
internal sealed class AppSubscriptions(ICloudRuntimesComponents components, AppClient app, IAppChannel channel, RuntimeOptions options, RuntimeResourceFiles resources, IHostApplicationLifetime lifetime, ILogger<AppSubscriptions> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _handles = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(AppSubscription, string), BulkDelivery> _bulk = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _opening = Task.CompletedTask;
    private volatile IReadOnlyList<AppSubscription> _subscriptions = [];
    private volatile bool _ready;

    /// <summary>True once the app channel is initialised (or there is no app).</summary>
    public bool Ready => _ready || !app.Configured;

    public IReadOnlyList<AppSubscription> All => _subscriptions;

    /// <summary>
    /// Opens the app channel in the background, so the runtime's API listens (and <c>/v1.0/healthz/outbound</c> answers)
    /// while the app is still starting: once the app's port is open, its subscriptions are read and subscribed.
    /// </summary>
    /// <exception cref="CloudRuntimesException">A declarative subscription is invalid (the message names its file).</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var declarative = SubscriptionDiscovery.Declarative(resources.Resources);
        _opening = Task.Run(() => OpenAsync(declarative, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OpenAsync(List<AppSubscription> declarative, CancellationToken stopping)
    {
        try
        {
            await SubscribeAllAsync(declarative, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The runtime cannot serve the app without its subscriptions: stop, as a failed start would, with the reason.
            logger.LogCritical("opening the app channel failed: {Error}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task SubscribeAllAsync(List<AppSubscription> subscriptions, CancellationToken cancellationToken)
    {
        if (app.Configured)
        {
            await channel.WaitForAppAsync(cancellationToken);
            subscriptions.AddRange(await channel.ListSubscriptionsAsync(cancellationToken));
        }
        _subscriptions = subscriptions;
        foreach (var subscription in subscriptions)
        {
            IPubSub broker;
            try
            {
                broker = components.GetPubSub(subscription.PubSubName);
            }
            catch (CloudRuntimesException e)
            {
                logger.LogWarning("subscription to {Topic} ignored: {Error}", subscription.Topic, e.Message);
                continue;
            }
            // A bulk subscription lets a leased batch reach the app together, to be sent in one request.
            var topicSubscription = new TopicSubscription(subscription.Topic, options.AppId, subscription.DeadLetterTopic, subscription.MaxDeliveryAttempts, MaxConcurrentDeliveries: subscription.Bulk?.MaxMessages);
            try
            {
                _handles.Add(await broker.SubscribeAsync(topicSubscription, (message, token) => DeliverAsync(subscription, message, token), cancellationToken));
            }
            catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.PubSubForbidden)
            {
                // As Dapr: a subscription the component's topic scoping does not grant is not made.
                logger.LogWarning("subscription to {PubSub}/{Topic} ignored: {Error}", subscription.PubSubName, subscription.Topic, e.Message);
                continue;
            }
            logger.LogInformation("app subscribed to {PubSub}/{Topic} at {Route}", subscription.PubSubName, subscription.Topic, subscription.Route);
        }
        _ready = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _opening;
        await AsyncDisposal.DisposeAllAsync(_handles);
        _handles.Clear();
    }

    private async Task<DeliveryStatus> DeliverAsync(AppSubscription subscription, TopicMessage message, CancellationToken cancellationToken)
    {
        var body = message.ContentType.StartsWith(CloudEventEnvelope.ContentType, StringComparison.OrdinalIgnoreCase)
            ? message.Data.ToArray()
            : CloudEventEnvelope.ForRawPayload(message.Id, message.Data, message.ContentType, subscription.PubSubName, subscription.Topic);
        using var envelope = CloudEventEnvelope.TryParse(body);
        if (EventRouting.RouteFor(subscription, envelope?.RootElement) is not { } route)
        {
            logger.LogWarning("no route of the subscription to {PubSub}/{Topic} matches message {Id}; skipped", subscription.PubSubName, subscription.Topic, message.Id);
            return DeliveryStatus.Success;
        }
        if (subscription.Bulk is { } bulk)
        {
            var batcher = _bulk.GetOrAdd((subscription, route), key => new BulkDelivery(key.Item1, bulk, key.Item2, channel, logger));
            return await batcher.DeliverAsync(message, body, cancellationToken);
        }
        var trace = CloudEventEnvelope.TraceHeadersOf(envelope?.RootElement);
        using var delivery = JoinTrace(trace);
        return await channel.DeliverEventAsync(subscription, route, message, body, trace, cancellationToken);
    }

    /// <summary>
    /// An activity in the event's trace (parented on its <c>traceparent</c>) for the call to the app, so the HTTP client
    /// propagates that trace rather than the delivery loop's; null when the event carries no trace context.
    /// </summary>
    private static System.Diagnostics.Activity? JoinTrace(Dictionary<string, string> trace)
    {
        if (!trace.TryGetValue("traceparent", out var parent))
        {
            return null;
        }
        var activity = new System.Diagnostics.Activity("pubsub.deliver.app");
        activity.SetParentId(parent);
        if (trace.TryGetValue("tracestate", out var state))
        {
            activity.TraceStateString = state;
        }
        return activity.Start();
    }
}
