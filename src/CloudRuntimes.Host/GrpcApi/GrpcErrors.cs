using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using CloudRuntimes.Host.Api;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// Errors of the gRPC API as Dapr sends them: the status of the error catalogue entry (<see cref="CloudRuntimesError.GrpcStatus"/>),
/// the message, and the rich details (<c>grpc-status-details-bin</c>): a <c>google.rpc.ErrorInfo</c> with the entry's
/// reason (<see cref="CloudRuntimesError.ErrorInfoReason"/>) and domain <c>dapr.io</c>.
/// </summary>
internal static class GrpcErrors
{
    /// <summary>The <c>ErrorInfo</c> domain of Dapr's errors.</summary>
    public const string Domain = "dapr.io";

    /// <summary>The rich status of a catalogue entry and message.</summary>
    public static Google.Rpc.Status StatusOf(CloudRuntimesError error, string message, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var info = new ErrorInfo { Reason = error.ErrorInfoReason, Domain = Domain };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            info.Metadata[key] = value;
        }
        return new Google.Rpc.Status { Code = error.GrpcStatus, Message = message, Details = { Any.Pack(info) } };
    }

    /// <summary>The exception that ends a call with <paramref name="error"/>'s status and details.</summary>
    public static RpcException Exception(CloudRuntimesError error, string message, IReadOnlyDictionary<string, string>? metadata = null) =>
        StatusOf(error, message, metadata).ToRpcException();

}

/// <summary>
/// Turns what a gRPC method throws into the status the client gets: a <see cref="CloudRuntimesException"/> into its
/// catalogue status with details; anything unexpected (logged) into Internal <c>ERR_INTERNAL</c> naming the call's id,
/// never the exception's text or a stack trace (<see cref="FailureReport"/>);
/// a call the client cancelled ends as Cancelled.
/// </summary>
internal sealed class GrpcErrorInterceptor(ILogger<GrpcErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The exception to end the call with; null to let <paramref name="e"/> through (it already is a status).</summary>
    private RpcException? Translate(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case RpcException:
                return null;
            case CloudRuntimesException error:
                return GrpcErrors.Exception(error.Error, FailureReport.Of(logger, error, context.GetHttpContext(), context.Method));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "the call was cancelled"));
            default:
                return GrpcErrors.Exception(CloudRuntimesErrors.Internal, FailureReport.Unexpected(logger, e, context.GetHttpContext(), context.Method));
        }
    }
}
