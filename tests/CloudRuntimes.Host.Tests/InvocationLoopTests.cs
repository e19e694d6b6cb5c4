using System.Net;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Service invocation cannot make the runtime call itself (docs/security.md): a non-Dapr endpoint naming the runtime's
/// own HTTP or gRPC address is 400 <c>ERR_DIRECT_INVOKE</c>, and the <c>dapr-app-id</c> header, which the runtime
/// consumes, never reaches the next hop (forwarded, it made that hop invoke again, endlessly).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class InvocationLoopTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Invoking_the_runtimes_own_address_is_400_and_dapr_app_id_is_not_forwarded()
    {
        var data = TempFolders.New("cr-e2e-loop-");
        await using var server = ServerProcess.Start(data, null);
        await server.WaitHealthyAsync(runtime.Http);
        var authority = server.Endpoint.GetLeftPart(UriPartial.Authority);
        var self = Uri.EscapeDataString(authority);

        // The audit's repro: the header names the runtime itself, on a path outside the API.
        using var loop = await SendAsync(server.Endpoint, self);
        Assert.Equal(HttpStatusCode.BadRequest, loop.StatusCode);
        var error = JsonNode.Parse(await loop.Content.ReadAsStringAsync())!;
        Assert.Equal("ERR_DIRECT_INVOKE", error["errorCode"]!.GetValue<string>());
        Assert.Equal($"failed to invoke, id: {self}, err: {authority} is this runtime's own address; a runtime does not invoke itself", error["message"]!.GetValue<string>());

        // The same through the invoke route, by another loopback name, and at the gRPC port.
        foreach (var own in new[] { authority, $"http://localhost:{server.Endpoint.Port}", $"http://127.0.0.1:{server.GrpcEndpoint.Port}" })
        {
            using var invoke = await runtime.Http.GetAsync(new Uri(server.Endpoint, $"v1.0/invoke/{Uri.EscapeDataString(own)}/method/v1.0/healthz"));
            Assert.Equal(HttpStatusCode.BadRequest, invoke.StatusCode);
            var refusal = JsonNode.Parse(await invoke.Content.ReadAsStringAsync())!;
            Assert.Equal("ERR_DIRECT_INVOKE", refusal["errorCode"]!.GetValue<string>());
            Assert.EndsWith($"{own} is this runtime's own address; a runtime does not invoke itself", refusal["message"]!.GetValue<string>());
        }

        // Another runtime forwards the request to this one without the header: a plain request for /loop, not an invocation.
        using var forwarded = await SendAsync(runtime.RuntimeEndpoint, self);
        Assert.Equal(HttpStatusCode.NotFound, forwarded.StatusCode);
    }

    /// <summary>GET /loop with the header <c>dapr-app-id: {appId}</c>.</summary>
    private async Task<HttpResponseMessage> SendAsync(Uri endpoint, string appId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "loop"));
        request.Headers.Add("dapr-app-id", appId);
        return await runtime.Http.SendAsync(request);
    }
}
