using CloudRuntimes.Host;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Hosting;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;

namespace CloudRuntimes.Tests.Grpc;

/// <summary>
/// The server names its gRPC methods by constants, as protoc's generated code does (building Dapr.Protos' descriptors
/// at start would cost a third of a second). Here every method the server serves and every app callback it calls is
/// checked against the descriptors of Dapr.Protos (the upstream <c>dapr.proto</c> and <c>appcallback.proto</c>): the
/// method exists in its service, and its request type, response type and streaming shape are the proto's.
/// </summary>
public sealed class GrpcMethodTableTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "cr-grpc-table-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task EveryServedMethodIsTheProtosMethod()
    {
        await using var app = RuntimeServer.Build(new RuntimeOptions { Port = 0, GrpcPort = 0, DataDirectory = _data, Dashboard = false });
        var served = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .Select(endpoint => endpoint.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method)
            .OfType<IMethod>()
            .Where(method => method.ServiceName == "dapr.proto.runtime.v1.Dapr")
            .ToList();

        // The methods the docs' method table (docs/runtime.md) promises, among them one of each streaming shape.
        Assert.Contains(served, m => m.Name == "GetState" && m.Type == MethodType.Unary);
        Assert.Contains(served, m => m.Name == "SubscribeConfiguration" && m.Type == MethodType.ServerStreaming);
        Assert.Contains(served, m => m.Name == "SubscribeTopicEventsAlpha1" && m.Type == MethodType.DuplexStreaming);
        Assert.All(served, method => AssertMatches(Dapr.Client.Autogen.Grpc.v1.DaprReflection.Descriptor, method));
    }

    [Fact]
    public void EveryAppCallbackIsTheProtosMethod()
    {
        var table = new GrpcAppChannel.Methods();
        var methods = typeof(GrpcAppChannel.Methods).GetProperties().Select(p => p.GetValue(table)).OfType<IMethod>().ToList();

        Assert.Equal(10, methods.Count);
        Assert.All(methods, method => AssertMatches(Dapr.AppCallback.Autogen.Grpc.v1.AppcallbackReflection.Descriptor, method));
    }

    private static void AssertMatches(FileDescriptor file, IMethod method)
    {
        var service = file.Services.SingleOrDefault(s => s.FullName == method.ServiceName);
        Assert.True(service is not null, $"{method.FullName}: no service {method.ServiceName} in {file.Name}");
        var declared = service.FindMethodByName(method.Name);
        Assert.True(declared is not null, $"{method.FullName}: {service.FullName} has no method {method.Name}");
        var shape = (declared.IsClientStreaming, declared.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var types = method.GetType().GetGenericArguments();
        Assert.Equal((declared.InputType.ClrType, declared.OutputType.ClrType, shape), (types[0], types[1], method.Type));
    }
}
