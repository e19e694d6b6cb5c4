using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CloudRuntimes.Bindings;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Tests.Conformance;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary><c>bindings.cron</c> on a real clock and <c>bindings.http</c> against a real HttpListener on 127.0.0.1.</summary>
public sealed class BindingTests
{
    [Fact]
    public async Task Cron_binding_delivers_events_on_its_schedule_until_stopped()
    {
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath());
        builder.AddComponent("ticker", "bindings.cron", new Dictionary<string, string> { ["schedule"] = "@every 300ms" });
        await using var components = await builder.BuildAsync();
        var events = new ConcurrentQueue<BindingEvent>();

        var reader = await components.InputBindings["ticker"].ReadAsync((e, _) => { events.Enqueue(e); return Task.CompletedTask; });
        await Eventually.HoldsAsync(() => events.Count >= 2, TimeSpan.FromSeconds(10), "two cron events");
        await reader.DisposeAsync();
        var stoppedAt = events.Count;
        await Task.Delay(700);

        Assert.Equal(stoppedAt, events.Count);
        Assert.Equal("@every 300ms", events.First().Metadata["schedule"]);
        Assert.True(events.First().Data.IsEmpty);
    }

    [Fact]
    public async Task Disposing_the_components_stops_cron_readers_still_running()
    {
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath());
        builder.AddComponent("ticker", "bindings.cron", new Dictionary<string, string> { ["schedule"] = "@every 200ms" });
        var components = await builder.BuildAsync();
        var events = 0;
        await components.InputBindings["ticker"].ReadAsync((_, _) => { Interlocked.Increment(ref events); return Task.CompletedTask; });
        await Eventually.HoldsAsync(() => Volatile.Read(ref events) >= 1, TimeSpan.FromSeconds(10), "a first cron event");

        await components.DisposeAsync();
        var stoppedAt = Volatile.Read(ref events);
        await Task.Delay(600);

        Assert.Equal(stoppedAt, Volatile.Read(ref events));
    }

    [Fact]
    public async Task Cron_binding_with_an_invalid_schedule_fails_naming_the_component()
    {
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath());
        builder.AddComponent("ticker", "bindings.cron", new Dictionary<string, string> { ["schedule"] = "every minute" });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Contains("'ticker'", error.Message, StringComparison.Ordinal);
        Assert.Contains("schedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_binding_sends_verb_path_headers_and_body_and_returns_the_response()
    {
        using var server = new RecordingServer(HttpStatusCode.Created, "{\"ok\":true}");
        await using var components = await HttpBindingToAsync(server.Url);

        var response = await components.GetOutputBinding("api").InvokeAsync(new BindingRequest("post", Encoding.UTF8.GetBytes("{\"n\":1}"),
            new Dictionary<string, string> { ["path"] = "/orders/7", ["X-Trace"] = "abc", ["Content-Type"] = "application/json" }));

        var request = await server.Requests.Reader.ReadAsync();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/base/orders/7", request.Path);
        Assert.Equal("abc", request.Headers["X-Trace"]);
        Assert.Equal("application/json", request.Headers["Content-Type"]);
        Assert.Equal("{\"n\":1}", request.Body);
        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString(response.Data!.Value.Span));
        Assert.Equal("201", response.Metadata["statusCode"]);
    }

    [Fact]
    public async Task Http_binding_fails_on_a_status_outside_2xx()
    {
        using var server = new RecordingServer(HttpStatusCode.InternalServerError, "boom");
        await using var components = await HttpBindingToAsync(server.Url);

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => components.GetOutputBinding("api").InvokeAsync(new BindingRequest("get", ReadOnlyMemory<byte>.Empty)));

        Assert.Equal(CloudRuntimesErrors.InvokeOutputBinding.Code, error.ErrorCode);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_binding_reports_an_unknown_operation_and_an_unreachable_server()
    {
        var port = FreePorts.Next();
        await using var components = await HttpBindingToAsync($"http://127.0.0.1:{port}/");

        var unknown = await Assert.ThrowsAsync<CloudRuntimesException>(() => components.GetOutputBinding("api").InvokeAsync(new BindingRequest("launch", ReadOnlyMemory<byte>.Empty)));
        var unreachable = await Assert.ThrowsAsync<CloudRuntimesException>(() => components.GetOutputBinding("api").InvokeAsync(new BindingRequest("get", ReadOnlyMemory<byte>.Empty)));

        Assert.Equal(CloudRuntimesErrors.NotSupported.Code, unknown.ErrorCode);
        Assert.Equal(CloudRuntimesErrors.InvokeOutputBinding.Code, unreachable.ErrorCode);
    }

    private static async Task<Components.Composition.CloudRuntimesComponents> HttpBindingToAsync(string url)
    {
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath());
        builder.AddComponent("api", "bindings.http", new Dictionary<string, string> { ["url"] = url, ["responseTimeout"] = "10s" });
        return await builder.BuildAsync();
    }

    /// <summary>A real HttpListener on a free 127.0.0.1 port under <c>/base/</c> that records requests and answers with a fixed response.</summary>
    private sealed class RecordingServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public RecordingServer(HttpStatusCode status, string body)
        {
            Url = $"http://127.0.0.1:{FreePorts.Next()}/base/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                    using var reader = new StreamReader(context.Request.InputStream);
                    var headers = context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                    await Requests.Writer.WriteAsync(new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, await reader.ReadToEndAsync()));
                    context.Response.StatusCode = (int)status;
                    var bytes = Encoding.UTF8.GetBytes(body);
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public System.Threading.Channels.Channel<RecordedRequest> Requests { get; } = System.Threading.Channels.Channel.CreateUnbounded<RecordedRequest>();

        public void Dispose() => _listener.Close();
    }

    private sealed record RecordedRequest(string Method, string Path, Dictionary<string, string> Headers, string Body);
}
