using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// The requests sent to the runtime server over HTTP/1.1 keep-alive connections (one <see cref="SocketsHttpHandler"/>
/// pool of <c>connections</c> connections): Dapr's HTTP API v1.0 state, publish and invoke routes.
/// </summary>
internal sealed class HttpOperations : IDisposable
{
    public const string Store = "statestore";
    public const string PresavedKey = "presaved";
    public static readonly byte[] PresavedValue = """{"name":"presaved","n":42}"""u8.ToArray();

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private long _nextMessage;

    public HttpOperations(Uri endpoint, int connections)
    {
        _endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Ids of the messages the server acknowledged (204) on publish.</summary>
    public ConcurrentDictionary<string, bool> Published { get; } = new(StringComparer.Ordinal);

    public LoadOperation StateGet => StateGetFrom(Store, "state get");

    /// <summary>State get of the presaved key from <paramref name="store"/>.</summary>
    public LoadOperation StateGetFrom(string store, string name) => Get(name, new Uri(_endpoint, $"v1.0/state/{store}/{PresavedKey}"));

    /// <summary>The same answer from a bare ASP.NET endpoint of the driver's app (no runtime in between): the ceiling.</summary>
    public LoadOperation BareGet(Uri url) => Get("bare endpoint", url);

    private LoadOperation Get(string name, Uri url) => new(name, async (_, _, token) =>
    {
        using var response = await _http.GetAsync(url, token);
        return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsByteArrayAsync(token)).AsSpan().SequenceEqual(PresavedValue);
    });

    public LoadOperation StateSaveGet => new("state save+get", async (worker, iteration, token) =>
    {
        var (key, value) = StateValues.For(worker, iteration);
        using var save = new StringContent($$"""[{"key":"{{key}}","value":{{value}}}]""", Encoding.UTF8, "application/json");
        using (var saved = await _http.PostAsync(new Uri(_endpoint, $"v1.0/state/{Store}"), save, token))
        {
            if (saved.StatusCode != HttpStatusCode.NoContent)
            {
                return false;
            }
        }
        using var response = await _http.GetAsync(new Uri(_endpoint, $"v1.0/state/{Store}/{key}"), token);
        return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync(token) == value;
    });

    public LoadOperation Publish => new("publish", async (_, _, token) =>
    {
        var id = "m" + Interlocked.Increment(ref _nextMessage).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var body = new StringContent($$"""{"id":"{{id}}"}""", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(_endpoint, $"v1.0/publish/{LoadApp.PubSub}/{LoadApp.Topic}"), body, token);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            return false;
        }
        Published[id] = true;
        return true;
    });

    public LoadOperation Invoke => new("invoke", async (worker, iteration, token) =>
    {
        var text = $$"""{"worker":{{worker}},"i":{{iteration}}}""";
        using var body = new StringContent(text, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(_endpoint, $"v1.0/invoke/{RuntimeProcess.AppId}/method/echo"), body, token);
        return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync(token) == text;
    });

    /// <summary>Saves the key the state get scenarios read, in <paramref name="store"/>.</summary>
    public async Task PresaveAsync(string store)
    {
        using var body = new StringContent($$"""[{"key":"{{PresavedKey}}","value":{{Encoding.UTF8.GetString(PresavedValue)}}}]""", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(_endpoint, $"v1.0/state/{store}"), body);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Keys and JSON values of the save+get scenarios: 100 keys per worker, overwritten in turn.</summary>
internal static class StateValues
{
    public static (string Key, string Value) For(int worker, long iteration) =>
        ($"w{worker}-k{iteration % 100}", $$"""{"worker":{{worker}},"i":{{iteration}}}""");
}
