using CloudRuntimes.Host.Blocks;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// Dapr's gRPC API, <c>dapr.proto.runtime.v1.Dapr</c>, on <c>--dapr-grpc-port</c>: every building block the HTTP API
/// serves, over the same block services (<see cref="StateService"/>, <see cref="PubSubService"/>, ...), with Dapr's gRPC
/// behaviour where it differs from HTTP. The messages are those of <c>Dapr.Protos</c>; the methods are bound here by
/// name (<see cref="DaprApiMethods"/>), and a method not bound answers <c>Unimplemented</c>. Errors become statuses with
/// rich details in <see cref="GrpcErrorInterceptor"/>. See <c>docs/runtime.md</c> for the method table.
/// </summary>
internal sealed partial class DaprApi(
    StateService state,
    PubSubService pubsub,
    ConfigurationService configuration,
    SecretsService secrets,
    BindingsService bindings,
    LockService locks,
    JobsService jobs,
    MetadataService metadata,
    InvocationService invocation,
    TopicEventStreams topicStreams,
    ConfigurationStreams configurationStreams,
    RuntimeOptions options)
{
    /// <summary>The full name of the service, as in <c>dapr/proto/runtime/v1/dapr.proto</c>.</summary>
    public const string Service = "dapr.proto.runtime.v1.Dapr";

    /// <summary>Binds the served methods, each to its handler on the (singleton) service.</summary>
    /// <param name="binder">ASP.NET Core gRPC's method discovery for this service.</param>
    public static void Bind(ServiceMethodProviderContext<DaprApi> binder)
    {
        BindState(binder);
        BindPubSub(binder);
        BindConfiguration(binder);
        BindRuntime(binder);
    }

    private static void Unary<TRequest, TResponse>(ServiceMethodProviderContext<DaprApi> binder, string name, UnaryServerMethod<DaprApi, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        binder.AddUnaryMethod(ProtoMethods.Create<TRequest, TResponse>(Service, name, MethodType.Unary), [], handler);

    private static void ServerStreaming<TRequest, TResponse>(ServiceMethodProviderContext<DaprApi> binder, string name, ServerStreamingServerMethod<DaprApi, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        binder.AddServerStreamingMethod(ProtoMethods.Create<TRequest, TResponse>(Service, name, MethodType.ServerStreaming), [], handler);

    private static void DuplexStreaming<TRequest, TResponse>(ServiceMethodProviderContext<DaprApi> binder, string name, DuplexStreamingServerMethod<DaprApi, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        binder.AddDuplexStreamingMethod(ProtoMethods.Create<TRequest, TResponse>(Service, name, MethodType.DuplexStreaming), [], handler);

    /// <summary>A request's metadata field once within <see cref="RuntimeLimits.MaxRequestMetadataChars"/> (<see cref="Api.RequestMetadata.Check"/>); <paramref name="field"/> names it in the refusal.</summary>
    private MapField<string, string> Checked(MapField<string, string> metadata, string field)
    {
        Api.RequestMetadata.Check(metadata, options.Limits, field);
        return metadata;
    }

    /// <summary>Bytes to send without a copy (the block services never change what they return).</summary>
    private static ByteString Bytes(ReadOnlyMemory<byte> value) => UnsafeByteOperations.UnsafeWrap(value);
}

/// <summary>
/// Binds <see cref="DaprApi"/> by hand: <c>Dapr.Protos</c> has no server base for <c>dapr.proto.runtime.v1.Dapr</c>, so the
/// methods (built from its descriptor by <see cref="ProtoMethods"/>) are handed to ASP.NET Core gRPC here.
/// </summary>
internal sealed class DaprApiMethods : IServiceMethodProvider<DaprApi>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprApi> context) => DaprApi.Bind(context);
}
