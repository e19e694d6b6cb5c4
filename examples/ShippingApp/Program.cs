using ShippingApp;

var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

// Invoked by other apps through their runtime: POST /v1.0/invoke/shipping/method/quote reaches this route.
app.MapPost("/quote", (QuoteRequest request) =>
    request.Quantity is > 0 and <= ShippingRates.MaxParcelItems
        ? Results.Ok(new Quote(ShippingRates.BaseCents + ShippingRates.PerItemCents * request.Quantity))
        : Results.UnprocessableEntity(new { error = $"a parcel holds 1 to {ShippingRates.MaxParcelItems} items, not {request.Quantity}" }));

await app.RunAsync();
