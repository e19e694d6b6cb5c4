using Dapr.Client;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The official Dapr .NET SDK (Dapr.Client 1.19) against the server: its HTTP-based calls (service invocation through
/// <c>CreateInvokeMethodRequest</c> / <c>InvokeMethodAsync</c> with an <c>HttpRequestMessage</c>, and the health checks).
/// Its gRPC calls are tested in <see cref="DaprSdkGrpcTests"/>.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DaprSdkTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Dapr_client_http_invocation_and_health_checks_work()
    {
        using var dapr = new DaprClientBuilder()
            .UseHttpEndpoint(runtime.RuntimeEndpoint.ToString().TrimEnd('/'))
            .UseGrpcEndpoint($"http://127.0.0.1:{FreePorts.Next()}")
            .Build();

        Assert.True(await dapr.CheckHealthAsync());
        Assert.True(await dapr.CheckOutboundHealthAsync());

        var request = dapr.CreateInvokeMethodRequest(HttpMethod.Post, RuntimeProcesses.AppId, "echo/sdk", [], new Payload("from-sdk"));
#pragma warning disable CS0618 // The SDK marks its HTTP invocation obsolete; it is still shipped and it is what this test checks.
        var response = await dapr.InvokeMethodAsync<EchoResponse>(request);
#pragma warning restore CS0618

        Assert.Equal("/echo/sdk", response.Path);
        Assert.Equal("POST", response.Method);
    }

    private sealed record Payload(string Message);

    private sealed record EchoResponse(string Method, string Path);
}
