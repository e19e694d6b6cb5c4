using System.Collections.Concurrent;
using System.Text.Json;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// The application the runtime server calls, hosted by the driver with Kestrel on 127.0.0.1: <c>/echo</c> answers
/// service invocations with the request body, <c>/events</c> receives the <see cref="Topic"/> CloudEvents and
/// counts them by the <c>id</c> field of their data, and <c>/dapr/subscribe</c> announces that subscription.
/// </summary>
internal sealed class LoadApp : IAsyncDisposable
{
    public const string PubSub = "pubsub";
    public const string Topic = "load";

    private readonly WebApplication _app;

    private LoadApp(WebApplication app, ConcurrentDictionary<string, int> delivered)
    {
        _app = app;
        Delivered = delivered;
        Port = new Uri(app.Urls.First()).Port;
    }

    public int Port { get; }

    /// <summary>Deliveries per message id (more than 1 = redelivered).</summary>
    public ConcurrentDictionary<string, int> Delivered { get; }

    public static async Task<LoadApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var web = builder.Build();
        var delivered = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        web.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = PubSub, topic = Topic, route = "/events" } }));
        web.MapGet("/bare", () => Results.Bytes(HttpOperations.PresavedValue, "application/json"));
        web.MapPost("/echo", async (HttpRequest request, HttpResponse response) =>
        {
            response.ContentType = request.ContentType ?? "application/octet-stream";
            await request.Body.CopyToAsync(response.Body);
        });
        web.MapPost("/events", async (HttpRequest request) =>
        {
            using var cloudEvent = await JsonDocument.ParseAsync(request.Body);
            var id = cloudEvent.RootElement.GetProperty("data").GetProperty("id").GetString()!;
            delivered.AddOrUpdate(id, 1, (_, n) => n + 1);
            return Results.Json(new { status = "SUCCESS" });
        });
        await web.StartAsync();
        return new LoadApp(web, delivered);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
