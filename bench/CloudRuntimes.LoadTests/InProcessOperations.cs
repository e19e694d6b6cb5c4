using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.State;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// The same SQLite state component the server uses by default (<c>state.sqlite</c> named <c>statestore</c>, default
/// metadata) called in-process through <see cref="CloudRuntimesBuilder"/>, in its own temporary data directory.
/// </summary>
internal sealed class InProcessOperations : IAsyncDisposable
{
    private readonly CloudRuntimesComponents _components;
    private readonly IStateStore _store;
    private readonly string _data;

    private InProcessOperations(CloudRuntimesComponents components, string data)
    {
        _components = components;
        _store = components.GetStateStore(HttpOperations.Store);
        _data = data;
    }

    public static async Task<InProcessOperations> CreateAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "cr-load-inproc-" + Guid.NewGuid().ToString("N"));
        var components = await new CloudRuntimesBuilder(RuntimeProcess.AppId, data).AddSqliteComponents().AddComponent(HttpOperations.Store, "state.sqlite").BuildAsync();
        var operations = new InProcessOperations(components, data);
        await operations._store.SaveAsync([new SaveStateItem(HttpOperations.PresavedKey, HttpOperations.PresavedValue)]);
        return operations;
    }

    public LoadOperation StateGet => new("state get (in-process)", async (_, _, token) =>
        await _store.GetAsync(HttpOperations.PresavedKey, null, token) is { } item && item.Value.Span.SequenceEqual(HttpOperations.PresavedValue));

    public LoadOperation StateSaveGet => new("state save+get (in-process)", async (worker, iteration, token) =>
    {
        var (key, value) = StateValues.For(worker, iteration);
        var bytes = Encoding.UTF8.GetBytes(value);
        await _store.SaveAsync([new SaveStateItem(key, bytes)], token);
        return await _store.GetAsync(key, null, token) is { } item && item.Value.Span.SequenceEqual(bytes);
    });

    public async ValueTask DisposeAsync()
    {
        await _components.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
