using System.Globalization;
using System.Net;

// The same empty ASP.NET Core host the runtime server starts from (RuntimeServer.CreateBuilder: Kestrel core, routing
// core, nothing read from the working directory) with one endpoint: what any native ASP.NET Core sidecar costs to start
// and to keep resident on this machine. Takes the server's command line and reads only --port.
var port = int.Parse(args.SkipWhile(arg => arg != "--port").Skip(1).FirstOrDefault() ?? "3500", CultureInfo.InvariantCulture);
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseKestrelCore();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
builder.Services.AddRoutingCore();
var app = builder.Build();
app.MapGet("/v1.0/healthz", () => Results.NoContent());
await app.RunAsync();
