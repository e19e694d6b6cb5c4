using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Rototo;
using Rototo.Extensions.Hosting;
using Rototo.Refresh;

namespace CloudRuntimes.Components.Rototo;

/// <summary>
/// <c>configuration.rototo</c>: a configuration store whose keys are the variables of a rototo workspace
/// (Dapr configuration API, <c>/v1.0/configuration/{store}</c>). Getting keys resolves those variables with a
/// context merged from three layers, later ones winning (objects merge, other values replace): the store's
/// <em>default context</em> (the component's <c>defaultContext</c> metadata, else the workspace's
/// <c>contexts/default.json</c> when it has one), the request metadata <c>context</c> (a JSON object), and each
/// request metadata item <c>context.&lt;path&gt;</c>, which sets one attribute (its value parsed as JSON, else taken
/// as a string). A missing attribute stays an error, as in rototo. Item values are the resolved value (strings as
/// they are, other values as compact JSON); the version changes when the value changes; item metadata carries
/// <c>valueKey</c>. A key that cannot be resolved while others can is left out of the answer, as Dapr leaves out a
/// key its store does not have; when no requested key resolves, the first failure is the error. Subscribers are
/// notified when a refresh changes a subscribed key's value. As an <see cref="IHealthCheck"/> (the component health
/// check asks it) it reports its workspace: degraded while a failed refresh leaves the last good version served.
/// </summary>
public sealed class RototoConfigurationStore : IConfigurationStore, IHealthCheck, IAsyncDisposable
{
    /// <summary>Metadata key holding the whole resolve context as a JSON object.</summary>
    public const string ContextMetadataKey = "context";

    /// <summary>The workspace file that holds the default context when the component's metadata gives none.</summary>
    public const string DefaultContextFile = "contexts/default.json";

    private const string ContextPathPrefix = "context.";

    private readonly RefreshingWorkspace _workspace;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly ResolveContext? _defaultContext;
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private WorkspaceDefault? _workspaceDefault;

    /// <summary>Creates the store over a refreshing workspace (disposed with the store).</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="name">Component name for messages.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="defaultContext">The default context (lowest layer of every request's context); null to use the
    /// workspace's <see cref="DefaultContextFile"/> when it exists.</param>
    public RototoConfigurationStore(RefreshingWorkspace workspace, string name, ILogger logger, ResolveContext? defaultContext = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        _workspace = workspace;
        _name = name;
        _logger = logger;
        _defaultContext = defaultContext;
        _workspace.Changed += OnChanged;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        try
        {
            var workspace = _workspace.Current;
            var context = ContextFrom(DefaultContext(workspace), metadata);
            return Task.FromResult<IReadOnlyDictionary<string, ConfigurationItem>>(Resolve(workspace, keys, context));
        }
        catch (RototoException e)
        {
            return Task.FromException<IReadOnlyDictionary<string, ConfigurationItem>>(Failure(e, CloudRuntimesErrors.ConfigurationGet));
        }
    }

    /// <inheritdoc />
    public Task<string> SubscribeAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata, ConfigurationChangeHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            var workspace = _workspace.Current;
            var context = ContextFrom(DefaultContext(workspace), metadata);
            var id = Guid.NewGuid().ToString();
            var current = Resolve(workspace, keys, context);
            _subscriptions[id] = new Subscription(id, keys, context, handler, current);
            return Task.FromResult(id);
        }
        catch (RototoException e)
        {
            return Task.FromException<string>(Failure(e, CloudRuntimesErrors.ConfigurationSubscribe));
        }
    }

    /// <summary>A context the request got wrong (not JSON, not an object, against the schema) is the request's error (400); any other failure is the store's.</summary>
    private CloudRuntimesException Failure(RototoException e, CloudRuntimesError storeFailure) =>
        new(e.Code == RototoErrorCode.InvalidContext ? CloudRuntimesErrors.MalformedRequest : storeFailure, $"configuration store {_name}: {e.Message}", e);

    /// <summary>The workspace served now: the last one that loaded (a failed refresh keeps it).</summary>
    public Workspace Workspace => _workspace.Current;

    /// <summary>How the workspace's refreshes go (last success, consecutive failures, last error).</summary>
    public RefreshStatus RefreshStatus => _workspace.GetStatus();

    /// <summary>The default context of the served workspace (the lowest layer of every request's context); null when there is none.</summary>
    /// <exception cref="RototoException">The workspace's <see cref="DefaultContextFile"/> is not a JSON object, or cannot be read
    /// (over <see cref="global::Rototo.Sources.WorkspaceSourceOptions.MaxFileBytes"/>, a link leaving the workspace).</exception>
    public ResolveContext? CurrentDefaultContext => DefaultContext(_workspace.Current);

    /// <inheritdoc />
    public Task<bool> UnsubscribeAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_subscriptions.TryRemove(subscriptionId, out _));

    /// <summary>Refreshes the workspace now and notifies subscribers of changed values.</summary>
    /// <param name="cancellationToken">Cancels waiting for a running refresh.</param>
    /// <returns>What the refresh did.</returns>
    /// <exception cref="RototoException">The refresh failed; the previous workspace stays.</exception>
    public Task<RefreshOutcome> RefreshAsync(CancellationToken cancellationToken = default) => _workspace.RefreshNowAsync(cancellationToken);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(RototoHealthCheck.Check(_workspace, _workspace.Options.MaxStaleness, context.Registration.FailureStatus));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _workspace.Changed -= OnChanged;
        _subscriptions.Clear();
        await _workspace.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Builds a context from the default context and request metadata (see the class remarks).</summary>
    internal static ResolveContext ContextFrom(ResolveContext? defaults, IReadOnlyDictionary<string, string>? metadata)
    {
        var layers = new List<JsonObject>();
        if (defaults is not null)
        {
            // A fresh node over the immutable default: concurrent requests never share a mutable JsonObject.
            layers.Add(JsonObject.Create(defaults.Root)!);
        }
        if (metadata is not null && metadata.TryGetValue(ContextMetadataKey, out var json) && !string.IsNullOrWhiteSpace(json))
        {
            layers.Add(JsonObject.Create(ResolveContext.FromJson(json).Root)!);
        }
        var paths = new JsonObject();
        foreach (var (key, raw) in (metadata ?? new Dictionary<string, string>()).Where(m => m.Key.StartsWith(ContextPathPrefix, StringComparison.Ordinal)).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var segments = key[ContextPathPrefix.Length..].Split('.');
            if (segments.Any(s => s.Length == 0))
            {
                throw new RototoException(RototoErrorCode.InvalidContext, $"invalid context path: {key[ContextPathPrefix.Length..]}");
            }
            var target = paths;
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
        layers.Add(paths);
        return ResolveContext.Merge(layers);
    }

    /// <summary>Parses a default context (component metadata or file); null for blank text.</summary>
    /// <exception cref="RototoException">Not a JSON object.</exception>
    internal static ResolveContext? ParseDefaultContext(string? json, string what)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return ResolveContext.FromJson(json);
        }
        catch (RototoException e)
        {
            throw new RototoException(RototoErrorCode.InvalidContext, $"{what} must be a JSON object: {e.Message}", e);
        }
    }

    /// <summary>The default context for resolutions on <paramref name="workspace"/>: the metadata one, else its file (read once per workspace).</summary>
    private ResolveContext? DefaultContext(Workspace workspace)
    {
        if (_defaultContext is not null)
        {
            return _defaultContext;
        }
        if (Volatile.Read(ref _workspaceDefault) is { } cached && ReferenceEquals(cached.Workspace, workspace))
        {
            return cached.Context;
        }
        // Read as the workspace's own files are: inside the workspace, at most its MaxFileBytes.
        var context = ParseDefaultContext(workspace.ReadFileText(DefaultContextFile), $"default context {DefaultContextFile}");
        Volatile.Write(ref _workspaceDefault, new WorkspaceDefault(workspace, context));
        return context;
    }

    /// <summary>The default context read from a workspace's file, remembered for that workspace (a refresh brings a new one).</summary>
    private sealed record WorkspaceDefault(Workspace Workspace, ResolveContext? Context);

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

    /// <summary>
    /// Resolves the keys (every variable when none is given). Unknown keys are absent; a key whose resolution fails is
    /// absent too when another key resolved, so one bad key does not hide the others; when none resolved, the first
    /// failure is thrown.
    /// </summary>
    private Dictionary<string, ConfigurationItem> Resolve(Workspace workspace, IReadOnlyList<string> keys, ResolveContext context)
    {
        var ids = keys.Count == 0 ? workspace.Inspection.Variables.Select(v => v.Id) : keys;
        var items = new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal);
        RototoException? firstFailure = null;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (!workspace.Inspection.Variables.Any(v => v.Id == id))
            {
                continue;
            }
            try
            {
                items[id] = ToItem(workspace.ResolveVariable(id, context));
            }
            catch (RototoException e)
            {
                firstFailure ??= e;
                _logger.LogDebug("configuration store {Store}: key {Key} not resolved: {Error}", _name, id, e.Message);
            }
        }
        if (items.Count == 0 && firstFailure is not null)
        {
            throw firstFailure;
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
