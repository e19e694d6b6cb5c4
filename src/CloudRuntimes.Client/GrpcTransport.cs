using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace CloudRuntimes.Client;

/// <summary>
/// The runtime's gRPC API for the calls that exist only there (streaming subscriptions): one HTTP/2 channel opened on
/// first use, the API token in <c>dapr-api-token</c>, and gRPC failures as <see cref="CloudRuntimesException"/>s carrying
/// the catalogue entry of their <c>ErrorInfo</c> reason.
/// </summary>
internal sealed class GrpcTransport(Uri endpoint, string? apiToken) : IDisposable
{
    private readonly Lazy<GrpcChannel> _channel = new(() => GrpcChannel.ForAddress(endpoint));

    public Uri Endpoint { get; } = endpoint;

    /// <summary>The generated stub of <c>dapr.proto.runtime.v1.Dapr</c> (<c>Dapr.Protos</c>) on the channel.</summary>
    public Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient Dapr => new(_channel.Value);

    /// <summary>The call headers: the API token when there is one.</summary>
    public Metadata Headers()
    {
        var headers = new Metadata();
        if (apiToken is not null)
        {
            headers.Add("dapr-api-token", apiToken);
        }
        return headers;
    }

    /// <summary>A gRPC failure as the client's exception: the runtime's error code and message.</summary>
    public CloudRuntimesException Failure(RpcException e, string what)
    {
        if (e.StatusCode == StatusCode.Unavailable)
        {
            return new CloudRuntimesException(CloudRuntimesErrors.RuntimeUnavailable, $"{what}: the runtime's gRPC API at {Endpoint} cannot be reached: {e.Status.Detail}", e);
        }
        var reason = e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
        return new CloudRuntimesException(CloudRuntimesError.FromGrpc(reason, (int)e.StatusCode), $"{what} failed with {e.StatusCode}: {e.Status.Detail}", e);
    }

    public void Dispose()
    {
        if (_channel.IsValueCreated)
        {
            _channel.Value.Dispose();
        }
    }
}
