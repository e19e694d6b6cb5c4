using CloudRuntimes.Components.Composition;
using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Blocks;
using CloudRuntimes.Host.GrpcApi;
using CloudRuntimes.Host.NameResolution;
using CloudRuntimes.Host.Dashboard;
using CloudRuntimes.Host.Plugins;
using CloudRuntimes.Host.Security;
using CloudRuntimes.Telemetry;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vtx.AspNetCore;

namespace CloudRuntimes.Host.Hosting;

/// <summary>
/// The runtime server as a .NET generic host: <see cref="AddCloudRuntimesServer"/> composes the services, and
/// <see cref="Build"/> puts them behind Kestrel with Dapr's HTTP API (<c>--dapr-http-port</c>) and gRPC API
/// (<c>--dapr-grpc-port</c>, HTTP/2 cleartext) on the same address, through the same pipeline and request policy. Hosted services start in order before the server
/// listens — the components (<see cref="ComponentHost"/>), then the plugins, then the app channel (subscriptions,
/// input bindings and jobs, which open in the background once the app's port is open) — so a bad component, resource
/// or plugin fails the start with its message, and a request never finds them missing.
/// </summary>
public static class RuntimeServer
{
    /// <summary>Creates the server application (not started); start it with <c>RunAsync</c>, which fails with the first start-up error.</summary>
    /// <param name="options">Runtime options.</param>
    /// <param name="args">Extra host arguments (configuration sources).</param>
    /// <returns>The application.</returns>
    public static WebApplication Build(RuntimeOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = CreateBuilder(args);
        var listeners = new RuntimeListeners();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = System.Net.IPAddress.Parse(options.ListenAddress);
            kestrel.Listen(address, options.Port, http => listeners.Http = http);
            // Dapr's gRPC port: HTTP/2 with prior knowledge (no TLS), as the SDKs connect to an http:// gRPC endpoint.
            kestrel.Listen(address, options.GrpcPort, grpc =>
            {
                grpc.Protocols = HttpProtocols.Http2;
                listeners.Grpc = grpc;
            });
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodySize;
            // Each listener above counts its own connections against the limit.
            kestrel.Limits.MaxConcurrentConnections = options.Limits.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.Limits.MaxConnections;
            kestrel.AddServerHeader = false;
        });
        ConfigureLogging(builder.Logging, options);
        builder.Services.AddSingleton(listeners);
        builder.Services.AddCloudRuntimesServer(options);
        var app = builder.Build();
        // With telemetry on, its providers listen before the components start: the start's own measurements and spans
        // (rototo's workspace load and lint) would be lost if the components finished before the SDK's hosted service ran.
        _ = app.Services.GetService<MeterProvider>();
        _ = app.Services.GetService<TracerProvider>();
        // The components, then the plugins, start coming to life now, while the endpoints are set up and the host starts;
        // the hosted services wait for them in order before Kestrel listens.
        app.Services.GetRequiredService<PluginService>().StartLoading();
        app.UseMiddleware<RequestPolicyMiddleware>();
        if (options.AllowedOrigins.Count > 0)
        {
            app.UseCors();
        }
        app.UseMiddleware<ApiMiddleware>();
        StateEndpoints.Map(app);
        StateKeysEndpoints.Map(app);
        PubSubEndpoints.Map(app);
        SecretsEndpoints.Map(app);
        ConfigurationEndpoints.Map(app);
        LockEndpoints.Map(app);
        LockLeaseEndpoints.Map(app);
        BindingsEndpoints.Map(app);
        InvokeEndpoints.Map(app);
        JobsEndpoints.Map(app);
        FileEndpoints.Map(app);
        DatabaseEndpoints.Map(app);
        MetadataEndpoints.Map(app);
        app.MapGrpcService<DaprApi>();
        if (options.PrometheusMetrics)
        {
            // Behind the request policy like every route (loopback Host, origins, API token).
            app.MapPrometheusScrapingEndpoint();
        }
        if (app.Services.GetService<PeerAuthentication>() is not null)
        {
            PeerEndpoints.Map(app);
        }
        if (options.Dashboard)
        {
            DashboardEndpoints.Map(app);
        }
        if (PluginService.FolderOf(options) is not null)
        {
            // Every path the API does not serve goes to the plugin whose entrypoint is its longest prefix.
            app.MapFallback(context => VtxGateway.HandleAsync(context.RequestServices.GetRequiredService<PluginService>().Plugins!, context));
        }
        return app;
    }

    /// <summary>
    /// An empty web application builder with Kestrel (no HTTPS configuration), routing, and configuration from the
    /// environment (the OpenTelemetry SDK's <c>OTEL_*</c> variables) and <paramref name="args"/>. Not the default
    /// builder's sources: a sidecar is configured by its flags, so it neither reads <c>appsettings.json</c> from whatever
    /// folder it starts in (a <c>Kestrel</c> section there could add listeners) nor watches that folder for changes,
    /// which took a third of the native server's start-up in a large working directory and one inotify watch per
    /// subfolder (the whole file system when started in <c>/</c>).
    /// </summary>
    private static WebApplicationBuilder CreateBuilder(string[]? args)
    {
        // The arguments are added here, after the environment, so they take precedence (the builder would add them first).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        if (args is { Length: > 0 })
        {
            builder.Configuration.AddCommandLine(args);
        }
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        return builder;
    }

    /// <summary>
    /// Adds the runtime's services: options, limits and the request policy; the components (a <see cref="ComponentHost"/>
    /// over <see cref="RuntimeComponents.Builder"/>); the plugins; the app channel; telemetry. Hosted services start in
    /// that order.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Runtime options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCloudRuntimesServer(this IServiceCollection services, RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(options);
        services.TryAddSingleton<RuntimeListeners>();
        services.AddSingleton<RequestPolicy>();
        services.AddSingleton<ExtendedMetadata>();
        services.AddSingleton<RuntimeResourceFiles>();
        AddBlocks(services);
        AddGrpcApi(services, options);
        if (options.AllowedOrigins.Count > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy =>
                (options.AllowedOrigins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins([.. options.AllowedOrigins])).AllowAnyHeader().AllowAnyMethod()));
        }

        services.AddSingleton(provider => new ComponentHost(() =>
            RuntimeComponents.Builder(options, provider.GetRequiredService<RuntimeResourceFiles>(), provider.GetRequiredService<ILoggerFactory>())));
        services.AddHostedService(provider => provider.GetRequiredService<ComponentHost>());
        services.AddSingleton<ICloudRuntimesComponents>(provider => provider.GetRequiredService<ComponentHost>());

        services.AddSingleton<PluginService>();
        services.AddHostedService(provider => provider.GetRequiredService<PluginService>());

        services.AddSingleton<AppConcurrency>();
        services.AddHttpClient<AppClient>(client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddSingleton<HttpAppChannel>();
        services.AddSingleton<GrpcAppChannel>();
        services.AddSingleton<IAppChannel>(provider => options.AppProtocol == AppProtocol.Grpc ? provider.GetRequiredService<GrpcAppChannel>() : provider.GetRequiredService<HttpAppChannel>());
        services.AddSingleton<AppSubscriptions>();
        services.AddHostedService(provider => provider.GetRequiredService<AppSubscriptions>());
        services.AddHostedService<AppTriggers>();
        services.AddNameResolution(options);
        services.AddHostedService<StartupReport>();
        if (options.Dashboard)
        {
            services.AddDashboard();
        }
        AddTelemetry(services, options);
        return services;
    }

    /// <summary>The building blocks behind every transport (one implementation each).</summary>
    private static void AddBlocks(IServiceCollection services)
    {
        services.AddSingleton<StateService>();
        services.AddSingleton<PubSubService>();
        services.AddSingleton<ConfigurationService>();
        services.AddSingleton<SecretsService>();
        services.AddSingleton<BindingsService>();
        services.AddSingleton<LockService>();
        services.AddSingleton<JobsService>();
        services.AddSingleton<MetadataService>();
        services.AddSingleton<InvocationService>();
    }

    /// <summary>
    /// Dapr's gRPC API (<see cref="DaprApi"/>): messages up to the request body limit, errors as statuses with rich details,
    /// the streams of topic events and configuration changes.
    /// </summary>
    private static void AddGrpcApi(IServiceCollection services, RuntimeOptions options)
    {
        services.AddSingleton<GrpcErrorInterceptor>();
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(options.Limits.MaxRequestBodySize, int.MaxValue);
            grpc.MaxSendMessageSize = null;
            grpc.Interceptors.Add<GrpcErrorInterceptor>();
        });
        services.AddSingleton<DaprApi>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<DaprApi>, DaprApiMethods>());
        services.AddSingleton<StreamingSubscriptions>();
        services.AddSingleton<TopicEventStreams>();
        services.AddSingleton<ConfigurationStreams>();
    }

    /// <summary>Logs at <see cref="RuntimeOptions.LogLevel"/> for the runtime, warnings and up for the framework; one JSON object a line with <c>--log-as-json</c>.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging, RuntimeOptions options)
    {
        logging.ClearProviders();
        if (options.LogAsJson)
        {
            logging.AddJsonConsole(json => json.TimestampFormat = "O");
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        logging.SetMinimumLevel(options.LogLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // The server's own start-up block (StartupReport) says where it listens; the framework's lines only at debug.
        logging.AddFilter("Microsoft.Hosting.Lifetime", options.LogLevel == LogLevel.Debug ? LogLevel.Debug : LogLevel.Warning);
        // A failed start is reported once, as one line, by the command (`error: ...`), not again with a stack trace.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }

    /// <summary>
    /// Traces and metrics with OpenTelemetry: the runtime's own (<see cref="CloudRuntimesTelemetry"/>), rototo's (loads,
    /// lint, refreshes, resolutions: <see cref="Rototo.Refresh.RototoTelemetry"/>), ASP.NET Core and HTTP client
    /// instrumentation, and the .NET runtime's built-in <c>System.Runtime</c> meter (GC, JIT, thread pool, exceptions).
    /// Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and to the Prometheus scrape endpoint
    /// <c>/metrics</c> with <c>--prometheus-metrics</c>. With neither, the SDK is not added at all: nothing would read what
    /// it records, and its listeners cost every request (a span per component call, the instrumentation's enrichment and
    /// metrics). W3C trace context still flows without it: ASP.NET Core gives each request an activity, which the
    /// envelopes and the HTTP client propagate.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, RuntimeOptions options)
    {
        var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        if (!otlp && !options.PrometheusMetrics)
        {
            return;
        }
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(CloudRuntimesTelemetry.Name, Rototo.Refresh.RototoTelemetry.Name, RuntimeMeter).AddAspNetCoreInstrumentation());
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(CloudRuntimesTelemetry.Name, Rototo.Refresh.RototoTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter())
                .WithMetrics(metrics => metrics.AddOtlpExporter());
        }
        if (options.PrometheusMetrics)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }
    }

    /// <summary>The meter of the .NET runtime's own metrics (<c>dotnet.gc.*</c>, <c>dotnet.thread_pool.*</c>, ...; .NET 9 and later).</summary>
    private const string RuntimeMeter = "System.Runtime";
}
