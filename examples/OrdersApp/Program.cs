using System.Text.Json;
using CloudRuntimes.Client;
using CloudRuntimes.Invocation;
using OrdersApp;

var builder = WebApplication.CreateBuilder(args);
// The runtime beside this app: its address from "CloudRuntimes:Client" (appsettings.json, or --CloudRuntimes:Client:Endpoint).
builder.Services.AddCloudRuntimesClient(builder.Configuration.GetSection("CloudRuntimes:Client"));
builder.Services.AddSingleton<OrderBook>();

var app = builder.Build();

// 1. Publish: keep the order in the state store, then publish it on the "orders" topic.
app.MapPost("/orders", async (Order order, OrderBook book, CloudRuntimesClient runtime, CancellationToken cancellationToken) =>
{
    await book.SaveAsync(new OrderStatus(order, "placed"), cancellationToken);
    await runtime.PubSub.PublishEventAsync("pubsub", "orders", order, cancellationToken: cancellationToken);
    return Results.Accepted($"/orders/{order.Id}");
});

app.MapGet("/orders/{id}", async (string id, OrderBook book, CancellationToken cancellationToken) =>
    await book.GetAsync(id, cancellationToken) is { } status ? Results.Ok(status) : Results.NotFound());

// 2. Subscribe, programmatically: the runtime asks once the app's port is open. Three attempts, then "orders-dead".
app.MapGet("/dapr/subscribe", () => new[]
{
    new
    {
        pubsubname = "pubsub",
        topic = "orders",
        route = "/orders/placed",
        deadLetterTopic = "orders-dead",
        metadata = new Dictionary<string, string> { ["maxDeliveryAttempts"] = "3" },
    },
});

// 3. Handle each order (a CloudEvent): quote the shipping through the shipping app, confirm, schedule a follow-up.
app.MapPost("/orders/placed", async (CloudEvent<Order> placed, OrderBook book, CloudRuntimesClient runtime, CancellationToken cancellationToken) =>
{
    var order = placed.Data;
    if (await book.GetAsync(order.Id, cancellationToken) is { Status: "confirmed" })
    {
        return Delivery.Success; // delivered again (at least once): already done
    }
    // Service invocation: to this app's runtime, which finds the runtime of app id "shipping" by name resolution.
    var body = JsonSerializer.SerializeToUtf8Bytes(new { order.Item, order.Quantity }, JsonSerializerOptions.Web);
    var quote = await runtime.Invocation.InvokeMethodAsync(new InvocationRequest("shipping", "quote", "POST", body, "application/json"), cancellationToken);
    if (quote.StatusCode == StatusCodes.Status422UnprocessableEntity)
    {
        return Delivery.Drop; // shipping will never take it: straight to the dead-letter topic
    }
    if (quote.StatusCode is < 200 or >= 300)
    {
        return Delivery.Retry; // shipping is down or failing: the runtime delivers the order again later
    }
    var cents = JsonSerializer.Deserialize<ShippingQuote>(quote.Body.Span, JsonSerializerOptions.Web)!.Cents;
    await book.SaveAsync(new OrderStatus(order, "confirmed", cents), cancellationToken);
    await runtime.Jobs.ScheduleAsync(FollowUp.JobFor(order.Id, DateTimeOffset.UtcNow.AddSeconds(1)), cancellationToken);
    return Delivery.Success;
});

// 4. Dead letters, declaratively (resources/dead-letters.yaml): the orders that were dropped or retried too often.
app.MapPost("/orders/dead-letter", async (CloudEvent<Order> dead, OrderBook book, CancellationToken cancellationToken) =>
{
    await book.SaveAsync(new OrderStatus(dead.Data, "rejected"), cancellationToken);
    return Delivery.Success;
});

// 5. The job's trigger: the runtime POSTs the job's data to /job/{name} when it is due.
app.MapPost("/job/{name}", async (FollowUp followUp, OrderBook book, CancellationToken cancellationToken) =>
{
    if (await book.GetAsync(followUp.OrderId, cancellationToken) is { } status)
    {
        await book.SaveAsync(status with { FollowedUp = true }, cancellationToken); // idempotent: a firing may come twice
    }
    return Results.Ok();
});

await app.RunAsync();
