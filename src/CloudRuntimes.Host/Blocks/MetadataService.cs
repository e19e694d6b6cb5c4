using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Hosting;

namespace CloudRuntimes.Host.Blocks;

/// <summary>A routing rule of a subscription as the metadata API lists it (the default route is a rule with an empty match).</summary>
internal sealed record SubscriptionRuleInfo(string Match, string Path);

/// <summary>A subscription as the metadata API lists it.</summary>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Rules">Its routing rules, the default route last.</param>
/// <param name="DeadLetterTopic">Where dropped or exhausted events go; null for none.</param>
/// <param name="Metadata">The subscription's metadata.</param>
/// <param name="Type">Dapr's subscription type: <c>DECLARATIVE</c>, <c>PROGRAMMATIC</c> or <c>STREAMING</c>.</param>
internal sealed record SubscriptionInfo(string PubSubName, string Topic, IReadOnlyList<SubscriptionRuleInfo> Rules, string? DeadLetterTopic, string Type, IReadOnlyDictionary<string, string> Metadata);

/// <summary>How the runtime reaches the app (Dapr <c>appConnectionProperties</c>).</summary>
internal sealed record AppConnectionInfo(int Port, string Protocol, string ChannelAddress, int? MaxConcurrency);

/// <summary>What the metadata API reports, for both transports.</summary>
/// <param name="Id">The app id.</param>
/// <param name="RuntimeVersion">The runtime's version.</param>
/// <param name="Components">Every component with its type and capabilities.</param>
/// <param name="Subscriptions">The app's subscriptions (declarative, programmatic, streaming).</param>
/// <param name="App">How the runtime reaches the app; null without an app.</param>
/// <param name="Extended">The app-set attributes (<see cref="ExtendedMetadata"/>), ordered by key.</param>
/// <param name="HttpPort">The HTTP API's port; null when not listening.</param>
/// <param name="GrpcPort">The gRPC API's port; null when not listening.</param>
internal sealed record RuntimeMetadata(
    string Id,
    string RuntimeVersion,
    IReadOnlyList<ComponentInfo> Components,
    IReadOnlyList<KeyValuePair<string, string>> Extended,
    IReadOnlyList<SubscriptionInfo> Subscriptions,
    AppConnectionInfo? App,
    int? HttpPort,
    int? GrpcPort);

/// <summary>The metadata API (get, set an attribute) and shutdown, behind both transports.</summary>
internal sealed class MetadataService(
    ICloudRuntimesComponents components,
    RuntimeOptions options,
    AppSubscriptions subscriptions,
    StreamingSubscriptions streams,
    ExtendedMetadata extended,
    RuntimeListeners listeners,
    IHostApplicationLifetime lifetime)
{
    /// <summary>The runtime's version as the metadata API reports it.</summary>
    public const string RuntimeVersion = "1.0.0";

    /// <summary>The runtime's metadata now.</summary>
    public RuntimeMetadata Get() => new(
        options.AppId,
        RuntimeVersion,
        components.Components,
        [.. extended.All],
        [
            .. subscriptions.All.Select(s => new SubscriptionInfo(
                s.PubSubName,
                s.Topic,
                [.. s.Rules.Select(r => new SubscriptionRuleInfo(r.Match, r.Path)), .. s.Route is { } route ? [new SubscriptionRuleInfo("", route)] : Array.Empty<SubscriptionRuleInfo>()],
                s.DeadLetterTopic,
                s.Declarative ? "DECLARATIVE" : "PROGRAMMATIC",
                new Dictionary<string, string>())),
            .. streams.All.Select(s => new SubscriptionInfo(s.PubSubName, s.Topic, [], s.DeadLetterTopic, "STREAMING", s.Metadata)),
        ],
        options.AppPort is { } port ? new AppConnectionInfo(port, options.AppProtocol == AppProtocol.Grpc ? "grpc" : "http", options.AppAddress, options.AppMaxConcurrency) : null,
        listeners.HttpPort,
        listeners.GrpcPort);

    /// <summary>Sets an app attribute (listed under <c>extended</c>).</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for an empty key; the limits of <see cref="ExtendedMetadata.Set"/>.</exception>
    public void Set(string key, ReadOnlySpan<byte> value)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "metadata key is empty");
        }
        extended.Set(key, value);
    }

    /// <summary>Stops the runtime gracefully (Dapr <c>shutdown</c>).</summary>
    public void Shutdown() => lifetime.StopApplication();
}
