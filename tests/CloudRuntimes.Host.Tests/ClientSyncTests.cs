using System.Text;
using System.Text.RegularExpressions;
using CloudRuntimes.Bindings;
using CloudRuntimes.Client;
using CloudRuntimes.Invocation;
using CloudRuntimes.Lock;
using CloudRuntimes.State;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The synchronous methods of <see cref="CloudRuntimesClient"/> send with <see cref="HttpClient.Send(HttpRequestMessage)"/>
/// instead of blocking on a task: they run against the real server through a handler that refuses asynchronous sends,
/// and the client's sources hold none of the blocking patterns.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed partial class ClientSyncTests(RuntimeProcesses runtime)
{
    /// <summary>A client whose HTTP pipeline only supports synchronous sends: any sync-over-async fails the call.</summary>
    private CloudRuntimesClient SyncOnlyClient() =>
        new(new HttpClient(new SyncOnlyHandler()) { BaseAddress = runtime.RuntimeEndpoint, Timeout = TimeSpan.FromSeconds(30) });

    [Fact]
    public void Client_sources_never_block_on_a_task()
    {
        var folder = Path.Combine(RuntimeProcesses.RepositoryRoot, "src", "CloudRuntimes.Client");
        var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sources);

        var blocking = sources.SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => Blocking().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(RuntimeProcesses.RepositoryRoot, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.True(blocking.Count == 0, "blocking on a task in the client:\n" + string.Join('\n', blocking));
    }

    [Fact]
    public void State_get_save_and_delete_send_synchronously()
    {
        using var client = SyncOnlyClient();
        var key = "sync-" + Guid.NewGuid().ToString("N");

        client.State.Save("statestore", [new SaveStateItem(key, """{"n":1}"""u8.ToArray(), Metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "600" })]);
        var item = client.State.Get("statestore", key);

        Assert.NotNull(item);
        Assert.Equal("""{"n":1}""", Encoding.UTF8.GetString(item.Value.Span));
        Assert.NotEqual("", item.ETag);
        var conflict = Assert.Throws<CloudRuntimesException>(() => client.State.Delete("statestore", key, item.ETag + "x"));
        Assert.Equal("ERR_STATE_ETAG_MISMATCH", conflict.ErrorCode);
        client.State.Delete("statestore", key, item.ETag);
        Assert.Null(client.State.Get("statestore", key));
        var unknown = Assert.Throws<CloudRuntimesException>(() => client.State.Get("nope", key));
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", unknown.ErrorCode);
    }

    [Fact]
    public async Task Publish_sends_synchronously_and_the_app_receives_the_event()
    {
        using var client = SyncOnlyClient();
        var marker = Guid.NewGuid().ToString("N");

        client.PubSub.Publish("pubsub", "orders", Encoding.UTF8.GetBytes($$"""{"marker":"{{marker}}"}"""));

        Assert.Single(await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker));
        var unknown = Assert.Throws<CloudRuntimesException>(() => client.PubSub.Publish("no-such-pubsub", "orders", "{}"u8.ToArray()));
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", unknown.ErrorCode);
    }

    [Fact]
    public void Invocation_configuration_secrets_lock_and_bindings_send_synchronously()
    {
        using var client = SyncOnlyClient();

        var echo = client.Invocation.InvokeMethod(new InvocationRequest(RuntimeProcesses.AppId, "echo/sync", "POST", "{\"a\":1}"u8.ToArray(), "application/json"));
        Assert.Equal(200, echo.StatusCode);
        Assert.Contains("/echo/sync", Encoding.UTF8.GetString(echo.Body.Span), StringComparison.Ordinal);
        Assert.Equal(404, client.Invocation.InvokeMethod(new InvocationRequest(RuntimeProcesses.AppId, "echo/raw", "GET", ReadOnlyMemory<byte>.Empty, QueryString: "status=404")).StatusCode);

        // The rototo workspace of the fixture: 25 items in the cart resolve max-cart-items to 200.
        var items = client.Configuration.Get("config", ["max-cart-items"], new Dictionary<string, string> { ["context.cart.items"] = "25" });
        Assert.Equal("200", items["max-cart-items"].Value);

        Assert.Equal(RuntimeProcesses.SecretValue, client.Secrets.Get("secretstore", RuntimeProcesses.SecretName)![RuntimeProcesses.SecretName]);

        var resource = "sync-lock-" + Guid.NewGuid().ToString("N");
        Assert.True(client.Lock.TryLock("lockstore", new TryLockRequest(resource, "me", 10)));
        Assert.False(client.Lock.TryLock("lockstore", new TryLockRequest(resource, "you", 10)));
        Assert.Equal(UnlockStatus.LockBelongsToOthers, client.Lock.Unlock("lockstore", new UnlockRequest(resource, "you")));
        Assert.Equal(UnlockStatus.Success, client.Lock.Unlock("lockstore", new UnlockRequest(resource, "me")));

        var binding = Assert.Throws<CloudRuntimesException>(() => client.Bindings.Invoke("no-such-binding", new BindingRequest("create", "{}"u8.ToArray())));
        Assert.Equal("ERR_INVOKE_OUTPUT_BINDING", binding.ErrorCode);
    }

    [Fact]
    public void An_unreachable_runtime_is_a_clear_error_for_a_synchronous_call()
    {
        using var client = new CloudRuntimesClient(new HttpClient(new SyncOnlyHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}/") });

        var error = Assert.Throws<CloudRuntimesException>(() => client.State.Get("statestore", "k"));

        Assert.Equal("ERR_RUNTIME_UNAVAILABLE", error.ErrorCode);
    }

    [GeneratedRegex(@"\.GetAwaiter\(\)|\.Result\b(?!\s*\()|\.Wait\(")]
    private static partial Regex Blocking();

    private sealed class SyncOnlyHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"{request.Method} {request.RequestUri}: a synchronous client method used the asynchronous send");
    }
}
