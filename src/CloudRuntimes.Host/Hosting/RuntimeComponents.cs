using System.Globalization;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Components.Sqlite;

namespace CloudRuntimes.Host.Hosting;

/// <summary>The components the server runs: those of <c>--resources-path</c>, or the embedded defaults under <c>--data</c>.</summary>
internal static class RuntimeComponents
{
    /// <summary>Names and types of the embedded default components (used when no resources directory is given).</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["statestore"] = "state.sqlite",
        ["pubsub"] = "pubsub.sqlite",
        ["lockstore"] = "lock.sqlite",
        [ComponentNames.Jobs] = "jobs.sqlite",
        ["database"] = "database.sqlite",
        ["files"] = "file.local",
        ["secretstore"] = "secretstores.local.file",
    };

    /// <summary>
    /// The builder of the server's components: every component type this server knows; the components of the resources
    /// directory, or the embedded defaults; and the configuration store <c>config</c> (rototo) for <c>--config-source</c> or
    /// the example workspace shipped beside the server, unless a component of that name exists.
    /// </summary>
    public static CloudRuntimesBuilder Builder(RuntimeOptions options, RuntimeResourceFiles resources, ILoggerFactory loggerFactory)
    {
        var builder = new CloudRuntimesBuilder(options.AppId, options.DataDirectory, loggerFactory)
            .AddSqliteComponents()
            .AddRedisComponents()
            .AddPostgreSqlComponents()
            .AddRototoComponents();
        if (options.ComponentsPath is not null)
        {
            foreach (var definition in resources.Resources.Components)
            {
                builder.AddComponent(definition);
            }
        }
        else
        {
            foreach (var (name, type) in Defaults)
            {
                var metadata = type switch
                {
                    "file.local" => new Dictionary<string, string> { ["rootPath"] = Path.Combine(builder.Context.DataDirectory, "files") },
                    "secretstores.local.file" => new Dictionary<string, string> { ["secretsFile"] = DefaultSecretsFile(builder.Context.DataDirectory) },
                    "database.sqlite" => new Dictionary<string, string>
                    {
                        ["statementTimeout"] = string.Create(CultureInfo.InvariantCulture, $"{(long)options.Limits.SqlStatementTimeout.TotalMilliseconds}ms"),
                        ["maxResultBytes"] = options.Limits.SqlMaxResultBytes.ToString(CultureInfo.InvariantCulture),
                    },
                    _ => null,
                };
                builder.AddComponent(name, type, metadata);
            }
        }
        if (!builder.HasComponent(ComponentNames.Configuration))
        {
            if (options.ConfigSource is { } source)
            {
                builder.AddComponent(ComponentNames.Configuration, RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = source });
            }
            else if (ShippedExamples.Folder(options, "storefront") is { } example)
            {
                // The shipped example is part of the installation and never changes: reloading it every refresh
                // period (a local folder cannot be probed, so each refresh is a full load) would only churn memory.
                builder.AddComponent(ComponentNames.Configuration, RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = example, ["refreshPeriodSeconds"] = "0" });
            }
        }
        return builder;
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
}
