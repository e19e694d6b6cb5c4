using System.Text.Json.Nodes;
using CloudRuntimes.Client;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;
using Rototo;
using Rototo.Extensions.Configuration;
using Rototo.Extensions.Hosting;
using Rototo.FeatureManagement.AspNetCore;
using StorefrontApp;

var builder = WebApplication.CreateBuilder(args);
var storefront = builder.Configuration.GetSection("Storefront");
var processContext = JsonNode.Parse(storefront.GetSection("Context").AsJsonText())!.AsObject();

// 1. Configuration: the workspace's variables, resolved with this process's own facts, as "Rototo:*" keys that
//    reload (IOptionsMonitor) whenever the refreshing workspace picks up a reviewed change.
var workspace = await builder.Configuration.AddRototoAsync(
    storefront["Workspace"] ?? "examples/storefront",
    ResolveContext.From(processContext),
    options => options.RefreshPeriod = storefront.GetValue("RefreshPeriod", TimeSpan.FromSeconds(30)));
builder.Services.AddRototo(workspace);
builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("Rototo"));

// 2. Feature flags: the workspace's bool variables, evaluated per request with the user and two headers as context.
builder.Services.AddFeatureManagement().WithRototoHttpContext(
    http =>
    {
        http.Headers["X-User-Tier"] = "user.tier";
        http.Headers["X-Country"] = "request.country";
    },
    features => features.Context = processContext);

// 3. The runtime server (or a Dapr sidecar) through CloudRuntimesClient, its options from "CloudRuntimes:Client".
builder.Services.AddCloudRuntimesClient(builder.Configuration.GetSection("CloudRuntimes:Client"));

// 4. Health: the workspace (degraded while a failed refresh leaves the last good version served) and the runtime.
builder.Services.AddHealthChecks().AddRototo().AddCloudRuntimesHealthCheck();

var app = builder.Build();

app.MapGet("/checkout", (IOptionsMonitor<CheckoutOptions> checkout) =>
    new { banner = checkout.CurrentValue.Banner, maxCartItems = checkout.CurrentValue.MaxCartItems });

app.MapGet("/express-checkout", () => "One click, and it is on its way.")
    .WithFeatureGate("express-checkout");

app.MapPut("/orders/{id}", async (string id, Order order, CloudRuntimesClient runtime, CancellationToken cancellationToken) =>
{
    await runtime.State.SaveValueAsync("statestore", $"order-{id}", order, cancellationToken: cancellationToken);
    return Results.NoContent();
});

app.MapGet("/orders/{id}", async (string id, CloudRuntimesClient runtime, CancellationToken cancellationToken) =>
    await runtime.State.GetValueAsync<Order>("statestore", $"order-{id}", cancellationToken) is { } order ? Results.Ok(order) : Results.NotFound());

app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });

await app.RunAsync();
