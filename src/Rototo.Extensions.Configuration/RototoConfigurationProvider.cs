using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Logging;
using Rototo.Refresh;

namespace Rototo.Extensions.Configuration;

/// <summary>
/// Exposes a rototo workspace's variables as configuration keys <c>{prefix}:{variable id}</c>, objects and arrays
/// flattened as JSON configuration flattens them (<c>Rototo:shipping-policy:carrier</c>, <c>...:zones:0</c>; the same
/// parser does it). When the refreshing workspace swaps, the values are resolved again and the reload token fires, so
/// <c>IOptionsMonitor</c> and <c>IOptionsSnapshot</c> see the new values without a restart. A refresh that fails leaves
/// the workspace (and so these values) as they were; a new workspace whose selected variables do not all resolve with
/// the context is not taken either: the last good values stay and the failure is logged as a warning.
/// </summary>
public sealed class RototoConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly RototoConfigurationSource _source;
    private int _disposed;
    private bool _loaded;

    /// <summary>Creates the provider and subscribes to the workspace's swaps.</summary>
    /// <param name="source">The source.</param>
    public RototoConfigurationProvider(RototoConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _source.Workspace.Changed += OnWorkspaceChanged;
    }

    /// <summary>The message of the last resolution failure that kept the previous values; null once values were taken again.</summary>
    public string? LastError { get; private set; }

    /// <summary>Resolves every selected variable against the current workspace.</summary>
    /// <exception cref="RototoException">A variable cannot be resolved with the context (the message names it), the
    /// context does not match the workspace's context schema, or a selected variable does not exist. Thrown only while no
    /// values were loaded yet; afterwards the last good values stay.</exception>
    public override void Load()
    {
        if (TryTake(_source.Workspace.Current) is { } error && !_loaded)
        {
            throw error;
        }
    }

    /// <summary>Stops following the workspace; shuts it down when the provider loaded it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _source.Workspace.Changed -= OnWorkspaceChanged;
        if (_source.OwnsWorkspace)
        {
            // Configuration roots dispose synchronously; the shutdown (stop the refresh loop, delete the staged copy) runs on.
            _ = ShutDownAsync(_source.Workspace, _source.Options.Logger);
        }
    }

    private static async Task ShutDownAsync(RefreshingWorkspace workspace, ILogger logger)
    {
        try
        {
            await workspace.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Nothing waits for this task: a failure is logged rather than lost.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "rototo workspace {Source} did not shut down cleanly", workspace.Source);
        }
    }

    private void OnWorkspaceChanged(object? sender, WorkspaceChangedEventArgs e)
    {
        if (TryTake(e.Current) is { } error)
        {
            _source.Options.Logger.LogWarning("rototo configuration from {Source} keeps its last good values: {Error}", _source.Workspace.Source, error.Message);
        }
        else
        {
            OnReload();
        }
    }

    /// <summary>Resolves the selected variables of <paramref name="workspace"/>; on success replaces <see cref="ConfigurationProvider.Data"/> and returns null.</summary>
    private RototoException? TryTake(Workspace workspace)
    {
        var document = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        try
        {
            foreach (var id in _source.Options.Variables ?? workspace.VariableIds)
            {
                document[id] = Resolve(workspace, id);
            }
            Data = Flatten(document);
        }
        catch (RototoException e)
        {
            LastError = e.Message;
            return e;
        }
        _loaded = true;
        LastError = null;
        return null;
    }

    private JsonElement Resolve(Workspace workspace, string id)
    {
        try
        {
            return workspace.ResolveVariable(id, _source.Context).Value;
        }
        catch (RototoException e)
        {
            throw new RototoException(e.Code, $"rototo configuration from {_source.Workspace.Source}: variable '{id}' cannot be resolved with the configured context: {e.Message}", e);
        }
    }

    /// <summary>Flattens <c>{"id": value, ...}</c> with the JSON configuration parser, under the key prefix.</summary>
    private Dictionary<string, string?> Flatten(Dictionary<string, JsonElement> document)
    {
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document));
        IDictionary<string, string?> flat;
        try
        {
            flat = new JsonFlattener().Flatten(stream);
        }
        catch (FormatException e)
        {
            // e.g. a resource object with keys that differ only in case, which configuration keys cannot tell apart.
            throw new RototoException(RototoErrorCode.InvalidContext, $"rototo configuration from {_source.Workspace.Source}: the values cannot be configuration keys: {e.Message}", e);
        }
        var prefix = _source.Options.KeyPrefix is { Length: > 0 } p ? p + ConfigurationPath.KeyDelimiter : "";
        return flat.ToDictionary(entry => prefix + entry.Key, entry => entry.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The JSON configuration provider, used only for its flattening.</summary>
    private sealed class JsonFlattener() : JsonStreamConfigurationProvider(new JsonStreamConfigurationSource())
    {
        public IDictionary<string, string?> Flatten(Stream stream)
        {
            Load(stream);
            return Data;
        }
    }
}
