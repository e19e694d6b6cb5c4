using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Name resolution and runtime-to-runtime invocation against real processes: two runtimes serve app id <c>orders</c>
/// (each with its own test app) and register in one SQLite file; a third runtime (app id <c>caller</c>, no app) invokes
/// <c>orders</c> through them, round robin, and past a killed replica, over the HTTP and the gRPC API.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class NameResolutionTests(RuntimeProcesses runtime) : IDisposable
{
    private const string Secret = "the-shared-secret-of-the-tests";
    private readonly string _folder = Directory.CreateTempSubdirectory("cr-names-").FullName;

    private string Config(string nameResolution)
    {
        var file = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(file, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            spec:
              nameResolution:
            {nameResolution}
            """);
        return file;
    }

    private string SqliteConfig(string updateInterval = "1s") => Config($"""
            component: sqlite
            version: v1
            sharedSecret: {Secret}
            configuration:
              connectionString: {Path.Combine(_folder, "names.db")}
              updateInterval: {updateInterval}
        """);

    private ServerProcess Runtime(string appId, string config, int? appPort)
    {
        var data = Path.Combine(_folder, "data-" + Guid.NewGuid().ToString("N"));
        return appPort is { } port
            ? ServerProcess.Start(data, null, "--app-id", appId, "--config", config, "--app-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : ServerProcess.Start(data, null, "--app-id", appId, "--config", config);
    }

    [Fact]
    public async Task Invocation_goes_round_robin_over_the_replicas_and_past_a_killed_one()
    {
        // The killed replica's registration must outlive the calls after the kill (lifetime: twice the interval), or
        // resolution drops it before any call tries it and there is nothing to fail over from.
        var config = SqliteConfig(updateInterval: "30s");
        var (portA, portB) = (FreePorts.Next(), FreePorts.Next());
        var appA = await runtime.StartAppAsync(portA);
        var appB = await runtime.StartAppAsync(portB);
        await using var replicaA = Runtime("orders", config, portA);
        await using var replicaB = Runtime("orders", config, portB);
        await using var caller = Runtime("caller", config, null);
        foreach (var server in new[] { replicaA, replicaB, caller })
        {
            await server.WaitHealthyAsync(runtime.Http);
        }
        await replicaA.WaitForLineAsync(TimeSpan.FromSeconds(30), "registering app orders");
        await replicaB.WaitForLineAsync(TimeSpan.FromSeconds(30), "registering app orders");
        var marker = Guid.NewGuid().ToString("N");

        // Until both registrations are written, calls may all reach one replica.
        for (var warm = 0; (await Count(appA, "warm-" + marker) == 0 || await Count(appB, "warm-" + marker) == 0) && warm < 100; warm++)
        {
            using var _ = await runtime.Http.PostAsync(new Uri(caller.Endpoint, $"v1.0/invoke/orders/method/echo/warm-{marker}"), null);
            await Task.Delay(50);
        }
        for (var i = 0; i < 10; i++)
        {
            using var response = await runtime.Http.PostAsync(new Uri(caller.Endpoint, $"v1.0/invoke/orders/method/echo/rr-{marker}?n={i}"), JsonContent.Create(new { i }));
            var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"/echo/rr-{marker}", answer["path"]!.GetValue<string>());
            Assert.Equal($"?n={i}", answer["query"]!.GetValue<string>());
            Assert.Equal(i, answer["body"]!["i"]!.GetValue<int>());
            Assert.Equal("", answer["peerSecret"]!.GetValue<string>());
        }
        Assert.Equal(5, await Count(appA, "rr-" + marker));
        Assert.Equal(5, await Count(appB, "rr-" + marker));

        replicaA.Process.Kill(entireProcessTree: true);
        await replicaA.Process.WaitForExitAsync();
        for (var i = 0; i < 6; i++)
        {
            using var response = await runtime.Http.PostAsync(new Uri(caller.Endpoint, $"v1.0/invoke/orders/method/echo/after-{marker}"), null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(6, await Count(appB, "after-" + marker));
        Assert.Equal(0, await Count(appA, "after-" + marker));
        await caller.WaitForLineAsync(TimeSpan.FromSeconds(5), "cannot be reached", "trying another");
    }

    [Fact]
    public async Task The_grpc_api_invokes_an_app_of_another_runtime_found_by_name_resolution()
    {
        var config = SqliteConfig();
        var port = FreePorts.Next();
        var app = await runtime.StartAppAsync(port);
        await using var replica = Runtime("orders", config, port);
        await using var caller = Runtime("caller", config, null);
        await replica.WaitHealthyAsync(runtime.Http);
        await caller.WaitHealthyAsync(runtime.Http);
        await replica.WaitForLineAsync(TimeSpan.FromSeconds(30), "registering app orders");
        using var channel = DaprGrpc.Channel(caller.GrpcEndpoint);
        var dapr = DaprGrpc.Stub(channel);
        var marker = Guid.NewGuid().ToString("N");
        // Until the registration is written, the caller does not know the app id yet.
        for (var warm = 0; await Count(app, "warm-" + marker) == 0 && warm < 100; warm++)
        {
            using var _ = await runtime.Http.PostAsync(new Uri(caller.Endpoint, $"v1.0/invoke/orders/method/echo/warm-{marker}"), null);
            await Task.Delay(50);
        }

        using var call = dapr.InvokeServiceAsync(new Proto.InvokeServiceRequest
        {
            Id = "orders",
            Message = new Proto.InvokeRequest
            {
                Method = $"echo/grpc-{marker}",
                ContentType = "application/json",
                Data = new Google.Protobuf.WellKnownTypes.Any { Value = Google.Protobuf.ByteString.CopyFromUtf8("""{"n":2}""") },
                HttpExtension = new Proto.HTTPExtension { Verb = Proto.HTTPExtension.Types.Verb.Post, Querystring = "a=1" },
            },
        });

        // The test app echoes what reached it: the caller's runtime forwarded to the replica's runtime, which called its app.
        var echoed = JsonNode.Parse((await call.ResponseAsync).Data.Value.ToStringUtf8())!;
        Assert.Equal(("POST", $"/echo/grpc-{marker}", "?a=1", 2), (echoed["method"]!.GetValue<string>(), echoed["path"]!.GetValue<string>(), echoed["query"]!.GetValue<string>(), echoed["body"]!["n"]!.GetValue<int>()));
        Assert.Equal("200", (await call.ResponseHeadersAsync).GetValue("dapr-http-status"));
        Assert.Equal(1, await Count(app, "grpc-" + marker));
        // An app id no runtime registered is still unknown (NotFound), with name resolution on.
        var unknown = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => dapr.InvokeServiceAsync(new Proto.InvokeServiceRequest
        {
            Id = "nobody",
            Message = new Proto.InvokeRequest { Method = "x", HttpExtension = new Proto.HTTPExtension { Verb = Proto.HTTPExtension.Types.Verb.Get } },
        }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Dns_resolution_calls_every_address_of_the_template_host()
    {
        var (appPort, runtimePort) = (FreePorts.Next(), FreePorts.Next());
        var app = await runtime.StartAppAsync(appPort);
        var config = Config($"""
                component: dns
                sharedSecret: {Secret}
                configuration:
                  template: "http://localhost:{runtimePort}"
            """);
        var data = Path.Combine(_folder, "data-dns");
        await using var replica = ServerProcess.StartOnPort(runtimePort, data, null, "--app-id", "orders", "--config", config, "--app-port", appPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var caller = Runtime("caller", config, null);
        await replica.WaitHealthyAsync(runtime.Http);
        await caller.WaitHealthyAsync(runtime.Http);
        var marker = Guid.NewGuid().ToString("N");

        // localhost may also resolve to ::1, where nothing listens: that replica is passed over.
        for (var i = 0; i < 3; i++)
        {
            using var response = await runtime.Http.GetAsync(new Uri(caller.Endpoint, $"v1.0/invoke/orders/method/echo/dns-{marker}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(3, await Count(app, "dns-" + marker));
    }

    [Fact]
    public async Task The_runtime_to_runtime_route_refuses_requests_without_the_shared_secret()
    {
        var port = FreePorts.Next();
        var app = await runtime.StartAppAsync(port);
        await using var replica = Runtime("orders", SqliteConfig(), port);
        await replica.WaitHealthyAsync(runtime.Http);
        var route = new Uri(replica.Endpoint, "v1.0-internal/invoke/orders/method/echo/secret");

        using var none = await runtime.Http.PostAsync(route, null);
        using var wrong = await Send(route, Secret + "x");
        using var otherApp = await Send(new Uri(replica.Endpoint, "v1.0-internal/invoke/billing/method/echo/secret"), Secret);
        using var right = await Send(route, Secret);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherApp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("", (await right.Content.ReadFromJsonAsync<JsonObject>())!["peerSecret"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("    component: sqlite\n    configuration:\n      connectionString: x.db", "spec.nameResolution.sharedSecret is required")]
    [InlineData("    component: sqlite\n    sharedSecret: short", "spec.nameResolution.sharedSecret is required")]
    [InlineData("    component: consul\n    sharedSecret: " + Secret, "'consul' is not supported")]
    [InlineData("    component: sqlite\n    sharedSecret: " + Secret, "connectionString is required")]
    [InlineData("    component: sqlite\n    sharedSecret: " + Secret + "\n    configuration:\n      connectionString: x.db\n      tableName: \"x; DROP TABLE y\"", "must be a plain identifier")]
    public async Task A_bad_name_resolution_stops_the_start_with_one_line_naming_the_file(string nameResolution, string expected)
    {
        var config = Config(nameResolution);
        await using var server = Runtime("orders", config, null);

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = await server.WaitForLineAsync(TimeSpan.FromSeconds(1), "error: ", config);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> Send(Uri url, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("cloud-runtimes-peer-secret", secret);
        return await runtime.Http.SendAsync(request);
    }

    private async Task<int> Count(Uri app, string marker) =>
        JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(app, "received")))!.AsArray()
            .Count(r => r!["kind"]!.GetValue<string>() == "invoke" && r["path"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
