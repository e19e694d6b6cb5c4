using Google.Protobuf;
using Grpc.Core;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// gRPC method definitions for <c>Dapr.Protos</c>' messages (the package ships client stubs for <c>Dapr</c> and server
/// bases for <c>AppCallback</c> only, so the server's methods and the app channel's calls are defined here), named as
/// protoc's generated code names them: service full name and method name as constants. Building the package's
/// descriptors to look them up would cost start-up a third of a second (the Dapr proto file is large); instead a test
/// (<c>GrpcMethodTableTests</c>) checks every bound and called method's name, message types and streaming shape against
/// those descriptors.
/// </summary>
internal static class ProtoMethods
{
    /// <summary>The method <paramref name="name"/> of service <paramref name="service"/> (full name, e.g. <c>dapr.proto.runtime.v1.Dapr</c>) with Protobuf marshallers.</summary>
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(string service, string name, MethodType type)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(type, service, name, MessageMarshaller<TRequest>.Instance, MessageMarshaller<TResponse>.Instance);

    /// <summary>Protobuf (de)serialization straight to and from the transport's buffers.</summary>
    private static class MessageMarshaller<T>
        where T : class, IMessage<T>, new()
    {
        private static readonly MessageParser<T> Parser = new(() => new T());

        public static readonly Marshaller<T> Instance = Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => Parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
