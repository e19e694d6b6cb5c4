using CloudRuntimes.Components;
using CloudRuntimes.Components.Hosting;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Plugins;
using CloudRuntimes.Host.Security;
using CloudRuntimes.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vtx.AspNetCore;
using Vtx.Host.Lifecycle;

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
        ["secretstore"] = "secretstores.local.file",
    };

    /// <summary>
    /// Creates the server application (not started). The slow part of start-up, creating the components (SQLite files,
    /// the rototo workspace's load and lint) and loading the plugins, runs on another thread while the web host is built;
    /// this method returns once both are done, so configuration errors fail here, not at the first request.
    /// </summary>
    /// <param name="options">Runtime options.</param>
    /// <param name="args">Extra host arguments (configuration sources).</param>
    /// <returns>The application; run it with <c>RunAsync</c>.</returns>
    /// <exception cref="CloudRuntimesException">A component cannot be created (the message names it and its file), or the plugins cannot be loaded.</exception>
    public static WebApplication Build(RuntimeOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The logger factory comes first: the components and plugins log through it while the web host is still being built.
        var loggerFactory = LoggerFactory.Create(logging => ConfigureLogging(logging, options));
        var backEnds = Task.Run(() => CreateBackEnds(options, loggerFactory));
        WebApplication app;
        try
        {
            app = BuildHost(options, args, loggerFactory, backEnds);
        }
        catch
        {
            backEnds.ContinueWith(created => created.Result.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            loggerFactory.Dispose();
            throw;
        }
        RuntimeBackEnds created;
        try
        {
            created = backEnds.GetAwaiter().GetResult();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }
        if (created.Plugins is { } plugins)
        {
            app.Lifetime.ApplicationStopped.Register(plugins.Dispose);
        }
        app.UseMiddleware<RequestPolicyMiddleware>();
        if (options.AllowedOrigins.Count > 0)
        {
            app.UseCors();
        }
        app.UseMiddleware<ApiMiddleware>(new PluginAuthentication(options.PluginAuth ? created.Plugins : null));
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
        if (created.Plugins is { } gateway)
        {
            // Every path the API does not serve goes to the plugin whose entrypoint is its longest prefix.
            app.MapFallback(context => VtxGateway.HandleAsync(gateway, context));
        }
        return app;
    }

    /// <summary>The web host: Kestrel, logging through <paramref name="loggerFactory"/>, the components of <paramref name="backEnds"/> as services, the app channel and telemetry.</summary>
    private static WebApplication BuildHost(RuntimeOptions options, string[]? args, ILoggerFactory loggerFactory, Task<RuntimeBackEnds> backEnds)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Parse(options.ListenAddress), options.Port);
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodySize;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Logging.ClearProviders();
        // Registered by a factory so that the host disposes it (flushing the console) when it is disposed.
        builder.Services.AddSingleton(_ => loggerFactory);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<RequestPolicy>();
        builder.Services.AddSingleton<ExtendedMetadata>();
        if (options.AllowedOrigins.Count > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            {
                (options.AllowedOrigins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins([.. options.AllowedOrigins])).AllowAnyHeader().AllowAnyMethod();
            }));
        }
        // The components are disposed with the host; plugins when the application stops (registered by Build).
        builder.Services.AddSingleton(_ => backEnds.GetAwaiter().GetResult().Components);
        builder.Services.AddSingleton<ICloudRuntimesComponents>(provider => provider.GetRequiredService<CloudRuntimesComponents>());
        builder.Services.AddSingleton<AppConcurrency>();
        builder.Services.AddHttpClient<AppClient>(client => client.Timeout = TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton<AppSubscriptions>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AppSubscriptions>());
        builder.Services.AddHostedService<AppTriggers>();
        AddTelemetry(builder);
        return builder.Build();
    }

    /// <summary>Creates the components, then loads the plugins on them (the example plugins with the embedded defaults); disposes the components when the plugins fail.</summary>
    private static RuntimeBackEnds CreateBackEnds(RuntimeOptions options, ILoggerFactory loggerFactory)
    {
        var components = CreateComponents(options, loggerFactory);
        try
        {
            var pluginsPath = options.PluginsPath ?? ShippedExample(options, "plugins");
            return new RuntimeBackEnds(components, pluginsPath is null ? null : RuntimePlugins.Load(pluginsPath, options, components, loggerFactory));
        }
        catch
        {
            components.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The components and the plugin host (null without plugins) the server serves.</summary>
    private sealed record RuntimeBackEnds(CloudRuntimesComponents Components, VtxPluginHost? Plugins) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Plugins?.Dispose();
            await Components.DisposeAsync();
        }
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
                var metadata = type switch
                {
                    "file.local" => new Dictionary<string, string> { ["rootPath"] = Path.Combine(builder.Context.DataDirectory, "files") },
                    "secretstores.local.file" => new Dictionary<string, string> { ["secretsFile"] = DefaultSecretsFile(builder.Context.DataDirectory) },
                    _ => null,
                };
                builder.AddComponent(name, type, metadata);
            }
        }
        if (!builder.HasComponent("config"))
        {
            if (options.ConfigSource is { } source)
            {
                builder.AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = source });
            }
            else if (ShippedExample(options, "storefront") is { } example)
            {
                // The shipped example is part of the installation and never changes: reloading it every refresh
                // period (a local folder cannot be probed, so each refresh is a full load) would only churn memory.
                builder.AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = example, ["refreshPeriodSeconds"] = "0" });
            }
        }
        return builder.Build();
    }

    /// <summary>
    /// The default secret store's file, <c>DATA/secrets.json</c> (Dapr's <c>secretstores.local.file</c> shape), created
    /// empty (<c>{}</c>, readable by the owner only) when missing. The default store never hands out the server's own
    /// environment.
    /// </summary>
    private static string DefaultSecretsFile(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "secrets.json");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            try
            {
                using var file = new FileStream(path, options);
                file.Write("{}"u8);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another server on the same data directory created it first.
            }
        }
        return path;
    }

    /// <summary>
    /// With the embedded defaults (no components path), an example shipped beside the server: <c>storefront</c>, the
    /// rototo workspace served as <c>config</c>, and <c>plugins</c>, the VTX plugins served under their entrypoints.
    /// </summary>
    private static string? ShippedExample(RuntimeOptions options, string name)
    {
        var example = Path.Combine(AppContext.BaseDirectory, "examples", name);
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
