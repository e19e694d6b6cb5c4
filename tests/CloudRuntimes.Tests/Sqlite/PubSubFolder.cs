using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.PubSub;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// A new data folder under the temporary folder for a test's <c>pubsub.sqlite</c> (app id <c>orders</c>, component
/// <c>pubsub</c>, file <c>pubsub.db</c>); disposing it disposes the component and deletes the folder.
/// </summary>
internal sealed class PubSubFolder : IAsyncDisposable
{
    private CloudRuntimesComponents? _components;

    /// <summary>The folder, created by <see cref="Create"/> or the first <see cref="BuildAsync"/>.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cr-sqlite-pubsub-" + Guid.NewGuid().ToString("N"));

    /// <summary>The component's SQLite file.</summary>
    public string File => System.IO.Path.Combine(Path, "pubsub.db");

    /// <summary>Creates the folder (to write a file before the component opens it).</summary>
    public void Create() => Directory.CreateDirectory(Path);

    /// <summary>Builds <c>pubsub.sqlite</c> with default metadata on the folder.</summary>
    public async Task<IPubSub> BuildAsync()
    {
        _components = await new CloudRuntimesBuilder("orders", Path).AddSqliteComponents().AddComponent("pubsub", "pubsub.sqlite").BuildAsync();
        return _components.GetPubSub("pubsub");
    }

    /// <summary>A connection of the test's own to the file (not pooled).</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_components is not null)
        {
            await _components.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
