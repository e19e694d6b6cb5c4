using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The request policy and the limits on the gRPC API of the real server process, with hostile inputs: a missing or wrong
/// <c>dapr-api-token</c> is Unauthenticated, a DNS-rebinding authority PermissionDenied, a message over the body limit
/// ResourceExhausted (nothing stored), and the gRPC port answers nothing but gRPC (docs/security.md).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class GrpcPolicyTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task The_api_token_is_required_on_every_grpc_call()
    {
        const string token = "grpc-token-0123456789";
        var endpoint = await runtime.StartRuntimeAsync(TempFolders.New("cr-e2e-grpc-token-"), appPort: null, apiToken: token);
        using var channel = DaprGrpc.Channel(runtime.GrpcEndpoint(endpoint));
        var dapr = DaprGrpc.Stub(channel);

        foreach (var given in new string?[] { null, "", "grpc-token-0123456788", token + "0" })
        {
            var headers = new Metadata();
            if (given is not null)
            {
                headers.Add("dapr-api-token", given);
            }
            var refused = await Assert.ThrowsAsync<RpcException>(() => dapr.GetMetadataAsync(new Proto.GetMetadataRequest(), headers).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        var metadata = await dapr.GetMetadataAsync(new Proto.GetMetadataRequest(), new Metadata { { "dapr-api-token", token } });
        Assert.Equal(RuntimeProcesses.AppId, metadata.Id);

        // The SDK sends the token it is given.
        using var sdk = DaprGrpc.Client(endpoint, runtime.GrpcEndpoint(endpoint), token);
        await sdk.SaveStateAsync("statestore", "with-token", 1);
        Assert.Equal(1, await sdk.GetStateAsync<int>("statestore", "with-token"));
    }

    [Fact]
    public async Task A_foreign_authority_is_refused_as_permission_denied_and_nothing_runs()
    {
        var grpc = runtime.RuntimeGrpcEndpoint;
        var key = "rebinding-" + Guid.NewGuid().ToString("N");
        // What a DNS-rebinding page reaches: this server's port under a foreign name.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, grpc.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var channel = GrpcChannel.ForAddress($"http://attacker.example:{grpc.Port}", new GrpcChannelOptions { HttpHandler = handler });
        var save = new Proto.SaveStateRequest { StoreName = "statestore" };
        save.States.Add(new Proto.StateItem { Key = key, Value = Google.Protobuf.ByteString.CopyFromUtf8("1") });

        var refused = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).SaveStateAsync(save).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("ERR_HOST_NOT_ALLOWED", DaprGrpc.ErrorInfo(refused).Reason);
        using var sdk = DaprGrpc.Client(runtime.RuntimeEndpoint, grpc);
        Assert.Equal(0, await sdk.GetStateAsync<int>("statestore", key));
    }

    [Fact]
    public async Task A_message_over_the_body_limit_is_resource_exhausted_and_the_stored_value_is_kept()
    {
        var key = "grpc-limit-" + Guid.NewGuid().ToString("N");
        using var sdk = DaprGrpc.Client(runtime.RuntimeEndpoint, runtime.RuntimeGrpcEndpoint);
        await sdk.SaveStateAsync("statestore", key, "kept");
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var save = new Proto.SaveStateRequest { StoreName = "statestore" };
        save.States.Add(new Proto.StateItem { Key = key, Value = Google.Protobuf.ByteString.CopyFrom(new byte[5 * 1024 * 1024]) });

        var refused = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).SaveStateAsync(save).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("kept", await sdk.GetStateAsync<string>("statestore", key));
    }

    [Fact]
    public async Task The_grpc_port_serves_grpc_only_and_the_http_port_no_grpc()
    {
        using var http2 = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(runtime.RuntimeGrpcEndpoint, "v1.0/metadata")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http2.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);

        // gRPC needs HTTP/2; the HTTP API's port speaks HTTP/1.1 only.
        using var wrongPort = DaprGrpc.Channel(runtime.RuntimeEndpoint);
        var refused = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(wrongPort).GetMetadataAsync(new Proto.GetMetadataRequest()).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
    }
}
