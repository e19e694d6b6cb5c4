using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The example apps of docs/apps.md as four processes, started as the guide starts them: <c>examples/ShippingApp</c> and
/// <c>examples/OrdersApp</c>, each beside its own runtime, the two runtimes sharing the guide's name resolution file
/// (<c>examples/OrdersApp/config.yaml</c>, relative to their working directory). An order goes app → runtime → topic →
/// subscription → app, which invokes the shipping app by app id and schedules a job whose trigger comes back to it; an
/// order the shipping app refuses is dropped to the dead-letter topic and handled by the declarative subscription.
/// </summary>
public sealed class OrdersAppTests(OrdersAppTests.Apps apps) : IClassFixture<OrdersAppTests.Apps>
{
    [Fact]
    public async Task An_order_is_published_handled_quoted_by_the_shipping_app_and_followed_up_by_its_job()
    {
        using var placed = await apps.Http.PostAsJsonAsync(new Uri(apps.Orders.Endpoint, "orders"), new { id = "o-1", item = "tea", quantity = 3 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        Assert.Equal("/orders/o-1", placed.Headers.Location?.ToString());

        var status = await apps.WaitForOrderAsync("o-1", s => s["followedUp"]?.GetValue<bool>() == true, "o-1 is confirmed and followed up");

        Assert.Equal("confirmed", status["status"]!.GetValue<string>());
        Assert.Equal(450 + 125 * 3, status["shippingCents"]!.GetValue<int>()); // the shipping app's rates: 4.50 a parcel, 1.25 an item
        Assert.Equal("""{"id":"o-1","item":"tea","quantity":3}""", status["order"]!.ToJsonString());
        // The app keeps it in its runtime's state store, under order-{id}.
        var stored = await apps.Http.GetFromJsonAsync<JsonObject>(new Uri(apps.OrdersRuntime.Endpoint, "v1.0/state/statestore/order-o-1"), TestContext.Current.CancellationToken);
        Assert.Equal(status.ToJsonString(), stored!.ToJsonString());
    }

    [Fact]
    public async Task The_orders_runtime_reaches_the_shipping_app_by_its_app_id()
    {
        using var quote = await apps.Http.PostAsJsonAsync(new Uri(apps.OrdersRuntime.Endpoint, "v1.0/invoke/shipping/method/quote"), new { item = "mug", quantity = 1 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
        Assert.Equal("""{"cents":575}""", await quote.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_order_the_shipping_app_refuses_is_dropped_to_the_dead_letter_topic()
    {
        using var placed = await apps.Http.PostAsJsonAsync(new Uri(apps.Orders.Endpoint, "orders"), new { id = "o-2", item = "piano", quantity = 11 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);

        var status = await apps.WaitForOrderAsync("o-2", s => s["status"]?.GetValue<string>() != "placed", "o-2 leaves 'placed'");

        Assert.Equal("rejected", status["status"]!.GetValue<string>());
        Assert.Null(status["shippingCents"]);
        Assert.False(status["followedUp"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_unknown_order_is_404()
    {
        using var response = await apps.Http.GetAsync(new Uri(apps.Orders.Endpoint, "orders/none"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The two apps and their two runtimes, started once for the class, from a temporary working directory.</summary>
    public sealed class Apps : IAsyncLifetime
    {
        private readonly string _root = TempFolders.New("cr-orders-app-");

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

        internal AppProcess Orders { get; private set; } = null!;

        internal AppProcess Shipping { get; private set; } = null!;

        internal ServerProcess OrdersRuntime { get; private set; } = null!;

        internal ServerProcess ShippingRuntime { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var examples = Path.Combine(RuntimeProcesses.RepositoryRoot, "examples");
            var config = Path.Combine(examples, "OrdersApp", "config.yaml");
            // The guide's name resolution file is .cloud-runtimes/names.db of the directory the runtimes run from.
            var data = Directory.CreateDirectory(Path.Combine(_root, ".cloud-runtimes")).FullName;
            var shippingPort = FreePorts.Next();
            var ordersPort = FreePorts.Next();

            Shipping = AppProcess.Start("examples/ShippingApp", "ShippingApp.dll", shippingPort);
            ShippingRuntime = ServerProcess.StartIn(_root, Path.Combine(data, "shipping"), "--app-id", "shipping", "--app-port", Port(shippingPort), "--config", config);
            OrdersRuntime = ServerProcess.StartIn(_root, Path.Combine(data, "orders"), "--app-id", "orders", "--app-port", Port(ordersPort), "--config", config,
                "--resources-path", Path.Combine(examples, "OrdersApp", "resources"));
            Orders = AppProcess.Start("examples/OrdersApp", "OrdersApp.dll", ordersPort, "--CloudRuntimes:Client:Endpoint", OrdersRuntime.Endpoint.ToString());

            // Healthy means the app channel is open and the subscriptions are made.
            await ShippingRuntime.WaitHealthyAsync(Http);
            await OrdersRuntime.WaitHealthyAsync(Http);
        }

        /// <summary>Polls the orders app's <c>GET /orders/{id}</c> until <paramref name="condition"/> holds; returns the status.</summary>
        public async Task<JsonObject> WaitForOrderAsync(string id, Func<JsonObject, bool> condition, string what)
        {
            JsonObject? status = null;
            await Orders.WaitUntilAsync(async () =>
            {
                using var response = await Http.GetAsync(new Uri(Orders.Endpoint, $"orders/{id}"));
                status = response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject() : null;
                return status is not null && condition(status);
            }, $"{what} (orders runtime:\n{OrdersRuntime.Output}\n)");
            return status!;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var app in (AppProcess?[])[Orders, Shipping])
            {
                if (app is not null)
                {
                    await app.DisposeAsync();
                }
            }
            foreach (var runtime in (ServerProcess?[])[OrdersRuntime, ShippingRuntime])
            {
                if (runtime is not null)
                {
                    await runtime.DisposeAsync();
                }
            }
            Http.Dispose();
            Directory.Delete(_root, recursive: true);
        }

        private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
    }
}
