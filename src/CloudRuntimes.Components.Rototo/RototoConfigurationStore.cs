using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Configuration;
using Microsoft.Extensions.Logging;
using Rototo;
using Rototo.Refresh;

namespace CloudRuntimes.Components.Rototo;

/// <summary>
/// <c>configuration.rototo</c>: a configuration store whose keys are the variables of a rototo workspace
/// (Dapr configuration API, <c>/v1.0/configuration/{store}</c>). Getting keys resolves those variables with a
/// context built from request metadata: <c>context</c> holds a JSON object, and each <c>context.&lt;path&gt;</c>
/// item sets one attribute (its value parsed as JSON, else taken as a string). Item values are the resolved
/// value (strings as they are, other values as compact JSON); the version changes when the value changes;
/// item metadata carries <c>valueKey</c>. Subscribers are notified when a refresh changes a subscribed key's value.
/// </summary>
public sealed class RototoConfigurationStore : IConfigurationStore, IAsyncDisposable
{
    /// <summary>Metadata key holding the whole resolve context as a JSON object.</summary>
    public const string ContextMetadataKey = "context";

    private const string ContextPathPrefix = "context.";

    private readonly RefreshingWorkspace _workspace;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>Creates the store over a refreshing workspace (disposed with the store).</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="name">Component name for messages.</param>
    /// <param name="logger">Logger.</param>
    public RototoConfigurationStore(RefreshingWorkspace workspace, string name, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        _workspace = workspace;
        _name = name;
        _logger = logger;
        _workspace.Changed += OnChanged;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        try
        {
            var context = ContextFrom(metadata);
            return Task.FromResult<IReadOnlyDictionary<string, ConfigurationItem>>(Resolve(_workspace.Current, keys, context));
        }
        catch (RototoException e)
        {
            return Task.FromException<IReadOnlyDictionary<string, ConfigurationItem>>(
                new CloudRuntimesException(CloudRuntimesErrors.ConfigurationGet, $"configuration store {_name}: {e.Message}", e));
        }
    }

    /// <inheritdoc />
    public Task<string> SubscribeAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata, ConfigurationChangeHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            var context = ContextFrom(metadata);
            var id = Guid.NewGuid().ToString();
            var current = Resolve(_workspace.Current, keys, context);
            _subscriptions[id] = new Subscription(id, keys, context, handler, current);
            return Task.FromResult(id);
        }
        catch (RototoException e)
        {
            return Task.FromException<string>(new CloudRuntimesException(CloudRuntimesErrors.ConfigurationSubscribe, $"configuration store {_name}: {e.Message}", e));
        }
    }

    /// <inheritdoc />
    public Task<bool> UnsubscribeAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_subscriptions.TryRemove(subscriptionId, out _));

    /// <summary>Refreshes the workspace now and notifies subscribers of changed values.</summary>
    /// <param name="cancellationToken">Cancels waiting for a running refresh.</param>
    /// <returns>What the refresh did.</returns>
    /// <exception cref="RototoException">The refresh failed; the previous workspace stays.</exception>
    public Task<RefreshOutcome> RefreshAsync(CancellationToken cancellationToken = default) => _workspace.RefreshNowAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _workspace.Changed -= OnChanged;
        _subscriptions.Clear();
        await _workspace.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Builds a context from request metadata (see the class remarks).</summary>
    internal static ResolveContext ContextFrom(IReadOnlyDictionary<string, string>? metadata)
    {
        var root = new JsonObject();
        if (metadata is null)
        {
            return ResolveContext.From(root);
        }
        if (metadata.TryGetValue(ContextMetadataKey, out var json) && !string.IsNullOrWhiteSpace(json))
        {
            root = ResolveContext.FromJson(json).Root.Deserialize<JsonObject>()!;
        }
        foreach (var (key, raw) in metadata.Where(m => m.Key.StartsWith(ContextPathPrefix, StringComparison.Ordinal)).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var segments = key[ContextPathPrefix.Length..].Split('.');
            if (segments.Any(s => s.Length == 0))
            {
                throw new RototoException(RototoErrorCode.InvalidContext, $"invalid context path: {key[ContextPathPrefix.Length..]}");
            }
            var target = root;
            foreach (var segment in segments[..^1])
            {
                if (target[segment] is not JsonObject next)
                {
                    next = new JsonObject();
                    target[segment] = next;
                }
                target = next;
            }
            target[segments[^1]] = ParseValue(raw);
        }
        return ResolveContext.From(root);
    }

    private static JsonNode? ParseValue(string raw)
    {
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }

    private static Dictionary<string, ConfigurationItem> Resolve(Workspace workspace, IReadOnlyList<string> keys, ResolveContext context)
    {
        var ids = keys.Count == 0 ? workspace.Inspection.Variables.Select(v => v.Id) : keys;
        var items = new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (!workspace.Inspection.Variables.Any(v => v.Id == id))
            {
                continue;
            }
            var resolution = workspace.ResolveVariable(id, context);
            items[id] = ToItem(resolution);
        }
        return items;
    }

    private static ConfigurationItem ToItem(VariableResolution resolution)
    {
        var value = resolution.Value.ValueKind == JsonValueKind.String ? resolution.Value.GetString()! : resolution.Value.GetRawText();
        var canonical = Encoding.UTF8.GetBytes(resolution.ValueKey + "\n" + resolution.Value.GetRawText());
        var version = Convert.ToHexStringLower(SHA256.HashData(canonical))[..16];
        return new ConfigurationItem(value, version, new Dictionary<string, string> { ["valueKey"] = resolution.ValueKey });
    }

    private void OnChanged(object? sender, WorkspaceChangedEventArgs e)
    {
        foreach (var subscription in _subscriptions.Values)
        {
            Dictionary<string, ConfigurationItem> now;
            try
            {
                now = Resolve(e.Current, subscription.Keys, subscription.Context);
            }
            catch (RototoException error)
            {
                _logger.LogWarning("configuration store {Store}: subscription {Id} cannot resolve after refresh: {Error}", _name, subscription.Id, error.Message);
                continue;
            }
            var changed = now.Where(item => !subscription.Last.TryGetValue(item.Key, out var before) || before.Version != item.Value.Version)
                .ToDictionary(item => item.Key, item => item.Value, StringComparer.Ordinal);
            subscription.Last = now;
            if (changed.Count > 0)
            {
                _ = NotifyAsync(subscription, changed);
            }
        }
    }

    private async Task NotifyAsync(Subscription subscription, Dictionary<string, ConfigurationItem> changed)
    {
        try
        {
            await subscription.Handler(new ConfigurationUpdate(subscription.Id, changed), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A subscriber's failure must not stop notifications to the others.
        catch (Exception error)
#pragma warning restore CA1031
        {
            _logger.LogWarning(error, "configuration store {Store}: subscriber {Id} failed to handle a change", _name, subscription.Id);
        }
    }

    private sealed class Subscription(string id, IReadOnlyList<string> keys, ResolveContext context, ConfigurationChangeHandler handler, Dictionary<string, ConfigurationItem> last)
    {
        public string Id { get; } = id;

        public IReadOnlyList<string> Keys { get; } = keys;

        public ResolveContext Context { get; } = context;

        public ConfigurationChangeHandler Handler { get; } = handler;

        public Dictionary<string, ConfigurationItem> Last { get; set; } = last;
    }
}
