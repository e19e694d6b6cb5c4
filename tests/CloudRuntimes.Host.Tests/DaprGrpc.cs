using Dapr.Client;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace CloudRuntimes.Host.Tests;

/// <summary>Clients of a runtime's gRPC API for the tests: the unmodified Dapr .NET SDK, and the raw stub of <c>Dapr.Protos</c> for the calls the SDK has no method for.</summary>
internal static class DaprGrpc
{
    /// <summary>A <see cref="DaprClient"/> (Dapr.Client 1.19) on the runtime's HTTP and gRPC endpoints.</summary>
    public static DaprClient Client(Uri http, Uri grpc, string? apiToken = null)
    {
        var builder = new DaprClientBuilder().UseHttpEndpoint(http.ToString().TrimEnd('/')).UseGrpcEndpoint(grpc.ToString().TrimEnd('/'));
        if (apiToken is not null)
        {
            builder.UseDaprApiToken(apiToken);
        }
        return builder.Build();
    }

    /// <summary>A channel to the runtime's gRPC port (HTTP/2 cleartext).</summary>
    public static GrpcChannel Channel(Uri grpc) => GrpcChannel.ForAddress(grpc);

    /// <summary>The generated client stub of <c>dapr.proto.runtime.v1.Dapr</c> shipped in <c>Dapr.Protos</c>.</summary>
    public static Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient Stub(GrpcChannel channel) => new(channel);

    /// <summary>The <c>RpcException</c> a <see cref="DaprException"/> wraps.</summary>
    public static RpcException Rpc(Exception e) => e as RpcException ?? e.InnerException as RpcException ?? throw new Xunit.Sdk.XunitException($"expected a gRPC failure, got {e}");

    /// <summary>The <c>google.rpc.ErrorInfo</c> of a gRPC failure's rich details.</summary>
    public static ErrorInfo ErrorInfo(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<ErrorInfo>() ?? throw new Xunit.Sdk.XunitException($"{e.StatusCode} '{e.Status.Detail}' carries no ErrorInfo");
}
