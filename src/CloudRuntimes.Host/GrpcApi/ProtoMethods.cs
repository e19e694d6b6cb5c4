using Google.Protobuf;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// gRPC method definitions built from the message descriptors of <c>Dapr.Protos</c> (the package ships client stubs for
/// <c>Dapr</c> and server bases for <c>AppCallback</c> only, so the server's methods and the app channel's calls are
/// defined here): each method is looked up by name in its service descriptor, and its request and response types are
/// checked against the descriptor, so a mismatch fails the start rather than a call.
/// </summary>
internal static class ProtoMethods
{
    /// <summary>The method <paramref name="name"/> of <paramref name="service"/> with Protobuf marshallers.</summary>
    /// <exception cref="InvalidOperationException">The service has no such method, or its types or streaming shape differ.</exception>
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(ServiceDescriptor service, string name, MethodType type)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = service.FindMethodByName(name)
            ?? throw new InvalidOperationException($"{service.FullName} has no method {name}");
        var declared = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse) || declared != type)
        {
            throw new InvalidOperationException($"{service.FullName}/{name} is {declared} {method.InputType.ClrType?.Name} -> {method.OutputType.ClrType?.Name}, not {type} {typeof(TRequest).Name} -> {typeof(TResponse).Name}");
        }
        return new Method<TRequest, TResponse>(type, service.FullName, name, MessageMarshaller<TRequest>.Instance, MessageMarshaller<TResponse>.Instance);
    }

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
