using CloudRuntimes.Components;
using CloudRuntimes.Components.Hosting;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CloudRuntimes.Host.Hosting;

/// <summary>Builds the runtime server: components, the Dapr-shaped HTTP API, the app channel and telemetry.</summary>
public static class RuntimeServer
{
    /// <summary>Names of the embedded default components (used when no components directory is given).</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultComponents = new Dictionary<string, string>
    {
        ["statestore"] = "state.sqlite",
        ["pubsub"] = "pubsub.sqlite",
        ["lockstore"] = "lock.sqlite",
        [JobsEndpoints.SchedulerName] = "jobs.sqlite",
        ["database"] = "database.sqlite",
        ["files"] = "file.local",
        ["secretstore"] = "secretstores.local.env",
    };

    /// <summary>Creates the server application (not started).</summary>
    /// <param name="options">Runtime options.</param>
    /// <param name="args">Extra host arguments (configuration sources).</param>
    /// <returns>The application; run it with <c>RunAsync</c>.</returns>
    /// <exception cref="CloudRuntimesException">A component cannot be created (the message names it and its file).</exception>
    public static WebApplication Build(RuntimeOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Parse(options.ListenAddress), options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        ConfigureLogging(builder.Logging, options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(provider => CreateComponents(options, provider.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<ICloudRuntimesComponents>(provider => provider.GetRequiredService<CloudRuntimesComponents>());
        builder.Services.AddHttpClient<AppClient>(client => client.Timeout = TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton<AppSubscriptions>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AppSubscriptions>());
        builder.Services.AddHostedService<AppTriggers>();
        AddTelemetry(builder);

        var app = builder.Build();
        // Create the components now so that configuration errors fail start-up, not the first request.
        _ = app.Services.GetRequiredService<CloudRuntimesComponents>();
        app.UseMiddleware<ApiMiddleware>();
        StateEndpoints.Map(app);
        PubSubEndpoints.Map(app);
        SecretsEndpoints.Map(app);
        ConfigurationEndpoints.Map(app);
        LockEndpoints.Map(app);
        BindingsEndpoints.Map(app);
        InvokeEndpoints.Map(app);
        JobsEndpoints.Map(app);
        FileEndpoints.Map(app);
        DatabaseEndpoints.Map(app);
        MetadataEndpoints.Map(app);
        return app;
    }

    /// <summary>Builds the components: a components directory, or the embedded SQLite/file/env defaults under the data directory.</summary>
    internal static CloudRuntimesComponents CreateComponents(RuntimeOptions options, ILoggerFactory loggerFactory)
    {
        var builder = new CloudRuntimesBuilder(options.AppId, options.DataDirectory, loggerFactory)
            .AddSqliteComponents()
            .AddRedisComponents()
            .AddRototoComponents();
        if (options.ComponentsPath is { } path)
        {
            builder.AddComponentsFrom(path);
        }
        else
        {
            foreach (var (name, type) in DefaultComponents)
            {
                var metadata = type == "file.local" ? new Dictionary<string, string> { ["rootPath"] = Path.Combine(builder.Context.DataDirectory, "files") } : null;
                builder.AddComponent(name, type, metadata);
            }
        }
        if ((options.ConfigSource ?? DefaultConfigSource(options)) is { } source && !builder.HasComponent("config"))
        {
            builder.AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = source });
        }
        return builder.Build();
    }

    /// <summary>With the embedded defaults, the example rototo workspace shipped beside the server serves as <c>config</c>.</summary>
    private static string? DefaultConfigSource(RuntimeOptions options)
    {
        var example = Path.Combine(AppContext.BaseDirectory, "examples", "storefront");
        return options.ComponentsPath is null && Directory.Exists(example) ? example : null;
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
        logging.AddFilter("Microsoft.Hosting.Lifetime", options.LogLevel);
    }

    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(CloudRuntimesTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(CloudRuntimesTelemetry.Name).AddAspNetCoreInstrumentation());
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter()).WithMetrics(metrics => metrics.AddOtlpExporter());
        }
    }
}
