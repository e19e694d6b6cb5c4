// A real gRPC application for the runtime server's end-to-end tests of --app-protocol grpc: it serves Dapr's
// AppCallback (invocations, topic subscriptions and events, bulk events, input bindings, jobs) and AppCallbackHealthCheck, saves each
// event of "grpc-orders" in the runtime's state store through Dapr.AspNetCore's DaprClient (gRPC), and answers the
// invocation "received" with what it got so far.
using CloudRuntimes.GrpcTestApp;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddDaprClient();
builder.Services.AddSingleton<Received>();
var app = builder.Build();
app.MapGrpcService<Callbacks>();
app.MapGrpcService<Health>();
app.Run();
