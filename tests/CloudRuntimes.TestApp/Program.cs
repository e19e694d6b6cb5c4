// A real application process for the runtime server's end-to-end tests: it subscribes to topics, answers
// invocations, receives input bindings, jobs and configuration updates, and reports what it received at /received.
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
var received = new ConcurrentQueue<JsonObject>();
var attempts = new ConcurrentDictionary<string, int>();

void Record(string kind, string path, JsonNode? body, IHeaderDictionary headers) =>
    received.Enqueue(new JsonObject
    {
        ["kind"] = kind,
        ["path"] = path,
        ["body"] = body?.DeepClone(),
        ["token"] = headers["dapr-api-token"].ToString(),
        ["traceparent"] = headers["traceparent"].ToString(),
    });

async Task<JsonNode?> ReadAsync(HttpRequest request)
{
    using var reader = new StreamReader(request.Body);
    var text = await reader.ReadToEndAsync();
    try
    {
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
    catch (System.Text.Json.JsonException)
    {
        return JsonValue.Create(text);
    }
}

app.MapGet("/dapr/subscribe", () => Results.Json(new JsonArray
{
    new JsonObject { ["pubsubname"] = "pubsub", ["topic"] = "orders", ["route"] = "/orders" },
    new JsonObject { ["pubsubName"] = "pubsub", ["topic"] = "flaky", ["route"] = "/flaky", ["deadLetterTopic"] = "flaky-dead", ["metadata"] = new JsonObject { ["maxDeliveryAttempts"] = "3" } },
    new JsonObject { ["pubsubname"] = "pubsub", ["topic"] = "flaky-dead", ["route"] = "/dead" },
    new JsonObject { ["pubsubname"] = "pubsub", ["topic"] = "slow-events", ["route"] = "/slow-events" },
    new JsonObject
    {
        ["pubsubname"] = "pubsub",
        ["topic"] = "bulk-events",
        ["route"] = "/bulk-events",
        ["bulkSubscribe"] = new JsonObject { ["enabled"] = true, ["maxMessagesCount"] = 10, ["maxAwaitDurationMs"] = 200 },
    },
    new JsonObject
    {
        ["pubsubname"] = "pubsub",
        ["topic"] = "routed",
        ["routes"] = new JsonObject
        {
            ["rules"] = new JsonArray
            {
                new JsonObject { ["match"] = "event.type == \"special\"", ["path"] = "/routed/special" },
                new JsonObject { ["match"] = "event.data.priority > 5", ["path"] = "/routed/urgent" },
            },
            ["default"] = "/routed/default",
        },
    },
}));

// Bulk deliveries: SUCCESS for every entry, except RETRY the first time an entry's data says {"retry": true}.
app.MapPost("/bulk-events", async (HttpRequest request) =>
{
    var body = await ReadAsync(request);
    Record("bulk", "/bulk-events", body, request.Headers);
    var statuses = new JsonArray();
    foreach (var entry in body?["entries"]?.AsArray() ?? [])
    {
        var id = entry!["entryId"]!.GetValue<string>();
        var retry = entry["event"]?["data"]?["retry"]?.GetValue<bool>() == true && attempts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1;
        statuses.Add(new JsonObject { ["entryId"] = id, ["status"] = retry ? "RETRY" : "SUCCESS" });
    }
    return Results.Json(new JsonObject { ["statuses"] = statuses });
});

// Counts requests in flight per gate id (each held 300 ms) and remembers the most seen at once.
var inFlight = new ConcurrentDictionary<string, int>();
var mostInFlight = new ConcurrentDictionary<string, int>();
app.MapPost("/gate/{id}", async (string id) =>
{
    var now = inFlight.AddOrUpdate(id, 1, (_, n) => n + 1);
    mostInFlight.AddOrUpdate(id, now, (_, most) => Math.Max(most, now));
    await Task.Delay(300);
    inFlight.AddOrUpdate(id, 0, (_, n) => n - 1);
    return Results.Ok();
});
app.MapGet("/gate/{id}/most", (string id) => Results.Json(mostInFlight.GetValueOrDefault(id)));

app.MapPost("/routed/{rule}", async (HttpRequest request, string rule) =>
{
    Record("routed", "/routed/" + rule, await ReadAsync(request), request.Headers);
    return Results.Ok();
});

app.MapPost("/orders", async (HttpRequest request) =>
{
    Record("event", "/orders", await ReadAsync(request), request.Headers);
    return Results.Json(new { status = "SUCCESS" });
});

// Answers RETRY twice per event id, then SUCCESS, except events whose data says {"poison": true}, which always fail.
app.MapPost("/flaky", async (HttpRequest request) =>
{
    var body = await ReadAsync(request);
    var id = body?["id"]?.GetValue<string>() ?? "";
    var attempt = attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
    Record("flaky", "/flaky", body, request.Headers);
    if (body?["data"]?["poison"]?.GetValue<bool>() == true)
    {
        return Results.StatusCode(500);
    }
    return attempt < 3 ? Results.Json(new { status = "RETRY" }) : Results.Json(new { status = "SUCCESS" });
});

app.MapPost("/dead", async (HttpRequest request) =>
{
    Record("dead", "/dead", await ReadAsync(request), request.Headers);
    return Results.Ok();
});

app.Map("/echo/{**rest}", async (HttpRequest request, string? rest) =>
{
    var body = await ReadAsync(request);
    Record("invoke", "/echo/" + rest, body, request.Headers);
    return Results.Json(new JsonObject
    {
        ["method"] = request.Method,
        ["path"] = "/echo/" + rest,
        ["query"] = request.QueryString.Value,
        ["header"] = request.Headers["x-test"].ToString(),
        ["peerSecret"] = request.Headers["cloud-runtimes-peer-secret"].ToString(),
        ["body"] = body?.DeepClone(),
    }, statusCode: request.Query.ContainsKey("status") ? int.Parse(request.Query["status"]!, System.Globalization.CultureInfo.InvariantCulture) : 200);
});

// Records the event on arrival, answers SUCCESS 1.5 s later and records that it did (graceful shutdown tests).
app.MapPost("/slow-events", async (HttpRequest request) =>
{
    var body = await ReadAsync(request);
    Record("slow-event", "/slow-events", body, request.Headers);
    await Task.Delay(1500);
    Record("slow-event-done", "/slow-events", body, request.Headers);
    return Results.Json(new { status = "SUCCESS" });
});

app.MapGet("/slow", async () =>
{
    await Task.Delay(1500);
    return Results.Text("done");
});

app.MapPost("/job/{name}", async (string name, HttpRequest request) =>
{
    Record("job", "/job/" + name, await ReadAsync(request), request.Headers);
    return Results.Ok();
});

app.MapPost("/configuration/{store}/{key}", async (string store, string key, HttpRequest request) =>
{
    Record("configuration", $"/configuration/{store}/{key}", await ReadAsync(request), request.Headers);
    return Results.Ok();
});

app.MapMethods("/ticks", ["OPTIONS"], () => Results.Ok());
app.MapPost("/ticks", async (HttpRequest request) =>
{
    Record("binding", "/ticks", await ReadAsync(request), request.Headers);
    return Results.Ok();
});

// Any other request is recorded with its raw target (path and query exactly as it arrived), so tests can check
// where the runtime sent a request whose path was hostile.
app.MapFallback("{**path}", async (HttpContext context) =>
{
    var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
    Record("other", target, await ReadAsync(context.Request), context.Request.Headers);
    return Results.Ok();
});

app.MapGet("/received", () => Results.Json(new JsonArray([.. received.Select(r => (JsonNode)r.DeepClone())])));

app.Run();
