namespace CloudRuntimes.LoadTests;

/// <summary>
/// The state stores of <c>--redis</c> and <c>--postgres</c> beside the embedded SQLite ones: a resources folder with
/// <c>statestore</c> (<c>state.sqlite</c>) and <c>pubsub</c> (<c>pubsub.sqlite</c>), as the embedded defaults, plus
/// <c>redisstore</c> (<c>state.redis</c>) and <c>pgstore</c> (<c>state.postgresql</c>) for those given.
/// </summary>
internal sealed record StateBackends(string Resources, IReadOnlyList<(string Store, string Type)> Stores) : IDisposable
{
    /// <summary>The backends of the settings; null when neither option is given (the server then runs on its embedded defaults).</summary>
    public static StateBackends? From(LoadSettings settings)
    {
        if (settings.Redis is null && settings.Postgres is null)
        {
            return null;
        }
        var folder = Directory.CreateTempSubdirectory("cr-load-resources-").FullName;
        var stores = new List<(string, string)>();
        var components = new List<string> { Component(HttpOperations.Store, "state.sqlite", null), Component(LoadApp.PubSub, "pubsub.sqlite", null) };
        if (settings.Redis is { } redis)
        {
            components.Add(Component("redisstore", "state.redis", ("redisHost", redis)));
            stores.Add(("redisstore", "state.redis"));
        }
        if (settings.Postgres is { } postgres)
        {
            components.Add(Component("pgstore", "state.postgresql", ("connectionString", postgres)));
            stores.Add(("pgstore", "state.postgresql"));
        }
        File.WriteAllText(Path.Combine(folder, "components.yaml"), string.Join("---\n", components));
        return new StateBackends(folder, stores);
    }

    private static string Component(string name, string type, (string Name, string Value)? item) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
          metadata:{(item is { } i ? $"\n  - name: {i.Name}\n    value: \"{i.Value}\"" : " []")}

        """;

    /// <summary>Deletes the resources folder.</summary>
    public void Dispose() => Directory.Delete(Resources, recursive: true);
}
