using System.Text.Json.Nodes;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Plugins;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// The JSON the dashboard's pages read (<c>/dashboard/api/...</c>): the runtime and its components, the subscriptions
/// with their counters, the plugins, and the request rate and latency per building block. Shapes are in
/// <c>docs/dashboard.md</c>.
/// </summary>
internal sealed class DashboardApi(
    RuntimeOptions options,
    ICloudRuntimesComponents components,
    AppSubscriptions subscriptions,
    PluginService plugins,
    ServerMetrics metrics,
    RecentProblems problems,
    IServer server)
{
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    /// <summary>
    /// <c>{appId, runtimeVersion, startedAt, dataFolder, listening: [url], appChannel: {address, state}, components:
    /// [{name, type, version, capabilities, health, detail?}], problems: [{time, level, category, message}]}</c>.
    /// <c>appChannel.state</c> is <c>none</c> (no <c>--app-port</c>), <c>waiting</c> (the app has not opened its port yet)
    /// or <c>open</c>; a component's <c>health</c> is <c>ok</c>, or <c>failing</c> with <c>detail</c> (a configuration
    /// store whose last refresh failed, still serving its last good workspace).
    /// </summary>
    public JsonObject Overview() => new()
    {
        ["appId"] = options.AppId,
        ["runtimeVersion"] = Blocks.MetadataService.RuntimeVersion,
        ["startedAt"] = _started.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["dataFolder"] = Path.GetFullPath(options.DataDirectory),
        ["listening"] = new JsonArray([.. (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(a => (JsonNode)JsonValue.Create(a))]),
        ["appChannel"] = new JsonObject
        {
            ["address"] = options.AppPort is { } port ? $"http://{options.AppAddress}:{port}" : null,
            ["state"] = options.AppPort is null ? "none" : subscriptions.Ready ? "open" : "waiting",
        },
        ["components"] = new JsonArray([.. components.Components.Select(c => (JsonNode)Component(c))]),
        ["problems"] = new JsonArray([.. problems.All.Reverse().Take(20).Select(p => (JsonNode)new JsonObject
        {
            ["time"] = p.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["level"] = p.Level,
            ["category"] = p.Category,
            ["message"] = p.Message,
        })]),
    };

    private JsonObject Component(ComponentInfo component)
    {
        var json = new JsonObject
        {
            ["name"] = component.Name,
            ["type"] = component.Type,
            ["version"] = component.Version,
            ["capabilities"] = new JsonArray([.. component.Capabilities.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["health"] = "ok",
        };
        if (components.TryGet<RototoConfigurationStore>(component.Name, out var store) && store.RefreshStatus is { LastError: { } error, ConsecutiveFailures: > 0 } status)
        {
            json["health"] = "failing";
            json["detail"] = $"{status.ConsecutiveFailures} refresh(es) failed in a row, serving the last good workspace: {error}";
        }
        return json;
    }

    /// <summary>
    /// <c>[{pubsubName, topic, routes: [{match, path}], deadLetterTopic, type, backlog, delivered, retried, deadLettered,
    /// expired, deliveredPerSecond}]</c>: counters since the server started; <c>backlog</c> (messages not yet
    /// acknowledged) is null where the pub/sub back end cannot count it; <c>deliveredPerSecond</c> is the mean of the
    /// last 10 complete seconds.
    /// </summary>
    public async Task<JsonArray> SubscriptionsAsync(CancellationToken cancellationToken)
    {
        var list = new JsonArray();
        foreach (var subscription in subscriptions.All)
        {
            long? backlog = components.TryGet<ITopicBacklog>(subscription.PubSubName, out var counter)
                ? await counter.BacklogAsync(subscription.Topic, options.AppId, cancellationToken)
                : null;
            var delivered = metrics.Deliveries(subscription.PubSubName, subscription.Topic, "delivered");
            list.Add((JsonNode)new JsonObject
            {
                ["pubsubName"] = subscription.PubSubName,
                ["topic"] = subscription.Topic,
                ["routes"] = subscription.RoutesJson(),
                ["deadLetterTopic"] = subscription.DeadLetterTopic,
                ["type"] = subscription.Declarative ? "declarative" : "programmatic",
                ["backlog"] = backlog,
                ["delivered"] = delivered.Total,
                ["retried"] = metrics.Deliveries(subscription.PubSubName, subscription.Topic, "retried").Total,
                ["deadLettered"] = metrics.Deliveries(subscription.PubSubName, subscription.Topic, "dead_lettered").Total,
                ["expired"] = metrics.Deliveries(subscription.PubSubName, subscription.Topic, "expired").Total,
                ["deliveredPerSecond"] = Math.Round(delivered.Snapshot().Counts[^10..].Average(), 2),
            });
        }
        return list;
    }

    /// <summary>
    /// <c>[{id, name, version, description, entrypoint, source, format, tables, migrations, migrationsApplied, requests,
    /// failures, recentErrors: [{time, message}]}]</c>: <c>migrations</c> is the schema version reached in the database,
    /// <c>failures</c> the requests answered with a 5xx status since the server started.
    /// </summary>
    public JsonArray Plugins()
    {
        var recent = problems.All;
        return new JsonArray([.. (plugins.Plugins?.Plugins ?? []).Select(p => (JsonNode)new JsonObject
        {
            ["id"] = p.Manifest.Id,
            ["name"] = p.Manifest.Name,
            ["version"] = p.Manifest.Version,
            ["description"] = p.Manifest.Description,
            ["entrypoint"] = p.Manifest.Entrypoint,
            ["source"] = Path.GetFileName(p.Source),
            ["format"] = p.Format?.ToString(),
            ["tables"] = new JsonArray([.. p.Resources.Select(r => (JsonNode)JsonValue.Create(r))]),
            ["migrations"] = p.SchemaVersion,
            ["migrationsApplied"] = p.MigrationsApplied,
            ["requests"] = metrics.PluginRequests(p.Manifest.Id, failed: false).Total,
            ["failures"] = metrics.PluginRequests(p.Manifest.Id, failed: true).Total,
            ["recentErrors"] = new JsonArray([.. recent.Where(e => e.PluginId == p.Manifest.Id).Reverse().Take(10).Select(e => (JsonNode)new JsonObject
            {
                ["time"] = e.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["message"] = e.Message,
            })]),
        })]);
    }

    /// <summary>
    /// <c>{seconds, blocks: [{block, total, perSecond: [n], meanMs: [ms|null]}]}</c>: for each building block that has
    /// served requests, the requests of each of the last <c>seconds</c> complete seconds (oldest first) and their mean
    /// latency, from ASP.NET Core's request-duration instrument.
    /// </summary>
    public JsonObject Metrics() => new()
    {
        ["seconds"] = RateWindow.Seconds - 1,
        ["blocks"] = new JsonArray([.. metrics.Blocks.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b =>
        {
            var (counts, means) = b.Value.Snapshot();
            return (JsonNode)new JsonObject
            {
                ["block"] = b.Key,
                ["total"] = b.Value.Total,
                ["perSecond"] = new JsonArray([.. counts.Select(c => (JsonNode)JsonValue.Create(c))]),
                ["meanMs"] = new JsonArray([.. means.Select(m => (JsonNode?)(m is { } v ? JsonValue.Create(v) : null))]),
            };
        })]),
    };
}
