using System.Globalization;
using CloudRuntimes.Bindings;
using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.Events;
using CloudRuntimes.Host.GrpcApi;
using CloudRuntimes.Jobs;
using CloudRuntimes.PubSub;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// The app channel over gRPC (<c>--app-protocol grpc</c>): the runtime calls the app's <c>dapr.proto.runtime.v1.AppCallback</c>
/// service (HTTP/2 cleartext at <c>--app-channel-address</c>:<c>--app-port</c>, with <c>dapr-api-token</c> = <c>APP_API_TOKEN</c>
/// and <c>--app-max-concurrency</c> as over HTTP): <c>ListTopicSubscriptions</c>, <c>OnTopicEvent</c> (SUCCESS, RETRY, DROP;
/// Unimplemented drops, other failures retry), <c>OnBulkTopicEvent</c> (else <c>OnBulkTopicEventAlpha1</c>),
/// <c>ListInputBindings</c> and <c>OnBindingEvent</c>, <c>OnJobEvent</c> (else <c>OnJobEventAlpha1</c>), <c>OnInvoke</c> for
/// service invocation and configuration updates, and <c>AppCallbackHealthCheck.HealthCheck</c> before the channel opens.
/// </summary>
internal sealed class GrpcAppChannel : IAppChannel, IDisposable
{
    private static readonly Methods Calls = new();
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly AppClient _app;
    private readonly RuntimeOptions _options;
    private readonly AppConcurrency _concurrency;
    private readonly ILogger<GrpcAppChannel> _logger;
    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private Task<HashSet<string>>? _bindings;

    public GrpcAppChannel(AppClient app, RuntimeOptions options, AppConcurrency concurrency, ILogger<GrpcAppChannel> logger)
    {
        _app = app;
        _options = options;
        _concurrency = concurrency;
        _logger = logger;
        var limit = (int)Math.Min(options.Limits.MaxRequestBodySize, int.MaxValue);
        _channel = GrpcChannel.ForAddress(app.AppBase ?? new Uri("http://127.0.0.1:1"), new GrpcChannelOptions { MaxReceiveMessageSize = limit, MaxSendMessageSize = limit });
        _invoker = _channel.CreateCallInvoker();
    }

    public async Task WaitForAppAsync(CancellationToken cancellationToken, bool report = true)
    {
        await _app.WaitForAppAsync(cancellationToken, report);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CallAsync(Calls.HealthCheck, new Empty(), cancellationToken);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                // The app has no health check service: its gRPC server answering is enough.
                return;
            }
            catch (RpcException e)
            {
                _logger.LogInformation("the app's gRPC health check at {App} failed ({Status}: {Detail}); retrying", _app.AppBase, e.StatusCode, e.Status.Detail);
                await Task.Delay(SubscriptionDiscovery.RetryDelay(attempt), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<AppSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await CallAsync(Calls.ListTopicSubscriptions, new Empty(), cancellationToken);
                return [.. response.Subscriptions.Select(Subscription)];
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                return [];
            }
            catch (RpcException e)
            {
                _logger.LogInformation("reading the app's subscriptions (ListTopicSubscriptions) failed ({Status}: {Detail}); retrying", e.StatusCode, e.Status.Detail);
                await Task.Delay(SubscriptionDiscovery.RetryDelay(attempt), cancellationToken);
            }
        }
    }

    /// <summary>A subscription as the app listed it: its routes' paths as given (gRPC paths are not HTTP routes); no routes at all is the default path <c>""</c>, as Dapr.</summary>
    private static AppSubscription Subscription(Callback.TopicSubscription subscription)
    {
        var where = $"ListTopicSubscriptions: topic {subscription.Topic}";
        var rules = subscription.Routes?.Rules.Select(rule => SubscriptionDiscovery.Rule(rule.Match, rule.Path, where, normalize: false)).ToList() ?? [];
        var route = subscription.Routes?.Default is { Length: > 0 } defaultRoute ? defaultRoute : rules.Count == 0 ? "" : null;
        var bulk = subscription.BulkSubscribe is { Enabled: true } settings
            ? SubscriptionDiscovery.Bulk(Positive(settings.MaxMessagesCount), Positive(settings.MaxAwaitDurationMs), where)
            : null;
        return new AppSubscription(
            subscription.PubsubName,
            subscription.Topic,
            route,
            rules,
            subscription.DeadLetterTopic is { Length: > 0 } deadLetter ? deadLetter : null,
            SubscriptionDiscovery.MaxDeliveryAttempts(subscription.Metadata.GetValueOrDefault("maxDeliveryAttempts")),
            Declarative: false,
            bulk);
    }

    private static string? Positive(int value) => value == 0 ? null : value.ToString(CultureInfo.InvariantCulture);

    public async Task<DeliveryStatus> DeliverEventAsync(AppSubscription subscription, string route, TopicMessage message, byte[] envelope, IReadOnlyDictionary<string, string> trace, CancellationToken cancellationToken)
    {
        try
        {
            var response = await CallAsync(Calls.OnTopicEvent, TopicEvents.ToRequest(message, subscription.PubSubName, subscription.Topic, route), cancellationToken);
            return TopicEvents.StatusOf(response.Status);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            _logger.LogWarning("the app does not implement OnTopicEvent: event {Id} on {Topic} dropped", message.Id, subscription.Topic);
            return DeliveryStatus.Drop;
        }
        catch (RpcException e)
        {
            _logger.LogDebug("OnTopicEvent of event {Id} failed ({Status}); it will be retried", message.Id, e.StatusCode);
            return DeliveryStatus.Retry;
        }
    }

    public async Task<IReadOnlyDictionary<string, DeliveryStatus>> DeliverBulkAsync(AppSubscription subscription, string route, IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken)
    {
        var request = new Callback.TopicEventBulkRequest
        {
            Id = Guid.NewGuid().ToString(),
            Topic = subscription.Topic,
            PubsubName = subscription.PubSubName,
            Type = "com.dapr.event.sent.bulk",
            Path = route,
        };
        foreach (var entry in entries)
        {
            var cloudEvent = TopicEvents.ToRequest(entry.Message, subscription.PubSubName, subscription.Topic, route);
            request.Entries.Add(new Callback.TopicEventBulkRequestEntry
            {
                EntryId = entry.Message.Id,
                ContentType = CloudEventEnvelope.ContentType,
                Metadata = { entry.Message.Metadata },
                CloudEvent = new Callback.TopicEventCERequest
                {
                    Id = cloudEvent.Id,
                    Source = cloudEvent.Source,
                    Type = cloudEvent.Type,
                    SpecVersion = cloudEvent.SpecVersion,
                    DataContentType = cloudEvent.DataContentType,
                    Data = cloudEvent.Data,
                    Extensions = cloudEvent.Extensions,
                },
            });
        }
        try
        {
            Callback.TopicEventBulkResponse response;
            try
            {
                response = await CallAsync(Calls.OnBulkTopicEvent, request, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                response = await CallAsync(Calls.OnBulkTopicEventAlpha1, request, cancellationToken);
            }
            return response.Statuses.ToDictionary(s => s.EntryId, s => TopicEvents.StatusOf(s.Status), StringComparer.Ordinal);
        }
        catch (RpcException e)
        {
            _logger.LogDebug("OnBulkTopicEvent of {Count} event(s) failed ({Status}); they will be retried", entries.Count, e.StatusCode);
            return new Dictionary<string, DeliveryStatus>();
        }
    }

    public async Task<bool> WantsBindingAsync(string name, CancellationToken cancellationToken)
    {
        _bindings ??= ListBindingsAsync(cancellationToken);
        return (await _bindings).Contains(name);
    }

    private async Task<HashSet<string>> ListBindingsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await CallAsync(Calls.ListInputBindings, new Empty(), cancellationToken)).Bindings];
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return [];
        }
    }

    public Task DeliverBindingAsync(string name, BindingEvent bindingEvent, CancellationToken cancellationToken) =>
        LogFailureAsync($"input binding {name}", () => CallAsync(Calls.OnBindingEvent, new Callback.BindingEventRequest { Name = name, Data = ByteString.CopyFrom(bindingEvent.Data.Span), Metadata = { bindingEvent.Metadata } }, cancellationToken));

    public Task DeliverJobAsync(Job job, CancellationToken cancellationToken)
    {
        var data = job.Data.Length > 0 ? JobData.ToAny(job.Data) : new Any();
        var request = new Callback.JobEventRequest
        {
            Name = job.Name,
            Data = data,
            Method = "job/" + job.Name,
            ContentType = data.TypeUrl,
            HttpExtension = new Proto.HTTPExtension { Verb = Proto.HTTPExtension.Types.Verb.Post },
        };
        return LogFailureAsync($"job {job.Name}", async () =>
        {
            try
            {
                return await CallAsync(Calls.OnJobEvent, request, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                return await CallAsync(Calls.OnJobEventAlpha1, request, cancellationToken);
            }
        });
    }

    public Task NotifyConfigurationAsync(string store, string key, byte[] update, CancellationToken cancellationToken) =>
        LogFailureAsync($"the configuration update of {store}/{key}", () => InvokeAsync(Invocation($"configuration/{store}/{key}", "POST", null, update, "application/json"), null, cancellationToken));

    /// <summary>Service invocation of the app (<c>OnInvoke</c>); the app's failure status comes back as the <see cref="RpcException"/>.</summary>
    public Task<Proto.InvokeResponse> InvokeAsync(Proto.InvokeRequest request, Metadata? headers, CancellationToken cancellationToken) =>
        CallAsync(Calls.OnInvoke, request, cancellationToken, headers);

    /// <summary>
    /// An HTTP invocation (<c>/v1.0/invoke/{app}/method/{method}</c>) of the gRPC app: the body, content type, verb and query
    /// go to <c>OnInvoke</c>; its data comes back with 200, a failure status as its HTTP status (Dapr's mapping) and a
    /// Dapr error body.
    /// </summary>
    public async Task ForwardHttpAsync(string method, HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var invocation = Invocation(method, request.Method, request.QueryString.HasValue ? request.QueryString.Value![1..] : null, body.ToArray(), request.ContentType);
        try
        {
            var response = await InvokeAsync(invocation, null, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (response.ContentType is { Length: > 0 } contentType)
            {
                context.Response.ContentType = contentType;
            }
            if (response.Data is { } data)
            {
                await context.Response.Body.WriteAsync(data.Value.Memory, context.RequestAborted);
            }
        }
        catch (RpcException e)
        {
            await ApiErrors.Result(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {_options.AppId}, err: {e.StatusCode}: {e.Status.Detail}", HttpGrpcStatus.ToHttp(e.StatusCode)).ExecuteAsync(context);
        }
    }

    /// <summary>An <c>InvokeRequest</c> as Dapr builds it from an HTTP call: data as an <c>Any</c> without type, the verb (POST when unknown) and query.</summary>
    private static Proto.InvokeRequest Invocation(string method, string verb, string? query, byte[] body, string? contentType) => new()
    {
        Method = method,
        Data = new Any { Value = ByteString.CopyFrom(body) },
        ContentType = contentType ?? "",
        HttpExtension = new Proto.HTTPExtension
        {
            Verb = System.Enum.TryParse<Proto.HTTPExtension.Types.Verb>(verb, ignoreCase: true, out var parsed) && parsed != Proto.HTTPExtension.Types.Verb.None ? parsed : Proto.HTTPExtension.Types.Verb.Post,
            Querystring = query ?? "",
        },
    };

    private async Task LogFailureAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            _logger.LogWarning("app answered {Status} ({Detail}) to {What}", e.StatusCode, e.Status.Detail, what);
        }
    }

    private async Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken, Metadata? headers = null)
        where TRequest : class
        where TResponse : class
    {
        headers ??= [];
        headers.Add("dapr-app-id", _options.AppId);
        if (_options.AppToken is { } token)
        {
            headers.Add("dapr-api-token", token);
        }
        var slots = _concurrency.Slots;
        if (slots is not null)
        {
            await slots.WaitAsync(cancellationToken);
        }
        try
        {
            return await _invoker.AsyncUnaryCall(method, null, new CallOptions(headers, DateTime.UtcNow + CallTimeout, cancellationToken), request);
        }
        finally
        {
            slots?.Release();
        }
    }

    public void Dispose() => _channel.Dispose();

    /// <summary>The app callback methods of <c>dapr/proto/runtime/v1/appcallback.proto</c> (checked against its descriptors by a test).</summary>
    internal sealed class Methods
    {

        public Method<Empty, Callback.ListTopicSubscriptionsResponse> ListTopicSubscriptions { get; } = Create<Empty, Callback.ListTopicSubscriptionsResponse>("AppCallback", "ListTopicSubscriptions");

        public Method<Callback.TopicEventRequest, Callback.TopicEventResponse> OnTopicEvent { get; } = Create<Callback.TopicEventRequest, Callback.TopicEventResponse>("AppCallback", "OnTopicEvent");

        public Method<Callback.TopicEventBulkRequest, Callback.TopicEventBulkResponse> OnBulkTopicEvent { get; } = Create<Callback.TopicEventBulkRequest, Callback.TopicEventBulkResponse>("AppCallback", "OnBulkTopicEvent");

        public Method<Callback.TopicEventBulkRequest, Callback.TopicEventBulkResponse> OnBulkTopicEventAlpha1 { get; } = Create<Callback.TopicEventBulkRequest, Callback.TopicEventBulkResponse>("AppCallbackAlpha", "OnBulkTopicEventAlpha1");

        public Method<Empty, Callback.ListInputBindingsResponse> ListInputBindings { get; } = Create<Empty, Callback.ListInputBindingsResponse>("AppCallback", "ListInputBindings");

        public Method<Callback.BindingEventRequest, Callback.BindingEventResponse> OnBindingEvent { get; } = Create<Callback.BindingEventRequest, Callback.BindingEventResponse>("AppCallback", "OnBindingEvent");

        public Method<Callback.JobEventRequest, Callback.JobEventResponse> OnJobEvent { get; } = Create<Callback.JobEventRequest, Callback.JobEventResponse>("AppCallback", "OnJobEvent");

        public Method<Callback.JobEventRequest, Callback.JobEventResponse> OnJobEventAlpha1 { get; } = Create<Callback.JobEventRequest, Callback.JobEventResponse>("AppCallbackAlpha", "OnJobEventAlpha1");

        public Method<Proto.InvokeRequest, Proto.InvokeResponse> OnInvoke { get; } = Create<Proto.InvokeRequest, Proto.InvokeResponse>("AppCallback", "OnInvoke");

        public Method<Empty, Callback.HealthCheckResponse> HealthCheck { get; } = Create<Empty, Callback.HealthCheckResponse>("AppCallbackHealthCheck", "HealthCheck");

        private static Method<TRequest, TResponse> Create<TRequest, TResponse>(string service, string name)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new() =>
            ProtoMethods.Create<TRequest, TResponse>("dapr.proto.runtime.v1." + service, name, MethodType.Unary);
    }
}
