using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.State;
using CloudRuntimes.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Tests.Composition;

/// <summary><c>AddHealthChecks().AddCloudRuntimesComponents()</c> over real in-process components.</summary>
public sealed class ComponentHealthTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "cr-health-" + Guid.NewGuid().ToString("N"));
    private readonly string _workspace;

    public ComponentHealthTests()
    {
        _workspace = Path.Combine(_data, "workspace");
        Directory.CreateDirectory(Path.Combine(_workspace, "variables"));
        File.WriteAllText(Path.Combine(_workspace, "rototo-workspace.toml"), "schema_version = 1\n");
        File.WriteAllText(Path.Combine(_workspace, "variables", "banner.toml"), "schema_version = 1\ntype = \"string\"\n[values]\nstandard = \"Welcome\"\n[resolve]\ndefault = \"standard\"\n");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private IHost Build(Action<CloudRuntimesBuilder> components, Action<IHealthChecksBuilder> checks)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CloudRuntimes:AppId"] = "health", ["CloudRuntimes:DataDirectory"] = _data });
        builder.Services.AddCloudRuntimes(builder.Configuration.GetSection("CloudRuntimes"), components);
        checks(builder.Services.AddHealthChecks());
        return builder.Build();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host, string name) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token)).Entries[name];

    [Fact]
    public async Task Each_component_answers_through_its_back_end_and_the_check_reports_them_all()
    {
        using var host = Build(
            b => b.AddSqliteComponents().AddRototoComponents()
                .AddComponent("statestore", "state.sqlite")
                .AddComponent("database", "database.sqlite")
                .AddComponent("files", "file.local")
                .AddComponent("pubsub", "pubsub.in-memory")
                .AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = _workspace, ["refreshPeriodSeconds"] = "0" }),
            checks => checks.AddCloudRuntimesComponents().AddCloudRuntimesComponent("database", tags: ["db"]));

        var before = await CheckAsync(host, "cloud-runtimes-components");
        await host.StartAsync(Token);
        var all = await CheckAsync(host, "cloud-runtimes-components");
        var database = await CheckAsync(host, "database");

        Assert.Equal((HealthStatus.Unhealthy, "the components are not built yet (the host has not started, or a component failed to start)"), (before.Status, before.Description));
        Assert.Equal((HealthStatus.Healthy, "5 component(s) healthy"), (all.Status, all.Description));
        Assert.Equal("Healthy: state.sqlite answers reads", all.Data["statestore"]);
        Assert.Equal("Healthy: database.sqlite answers queries", all.Data["database"]);
        Assert.Equal("Healthy: file.local answers look-ups", all.Data["files"]);
        Assert.Equal("Healthy: pubsub.in-memory is created (its building block has no read to probe)", all.Data["pubsub"]);
        Assert.StartsWith($"Healthy: rototo workspace {_workspace} serves the version loaded at ", (string)all.Data["config"], StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, database.Status);
        Assert.Equal(["db"], database.Tags);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task A_rototo_store_serving_its_last_good_workspace_is_degraded()
    {
        using var host = Build(
            b => b.AddRototoComponents().AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = _workspace, ["refreshPeriodSeconds"] = "0" }),
            checks => checks.AddCloudRuntimesComponents());
        await host.StartAsync(Token);
        var store = (RototoConfigurationStore)host.Services.GetRequiredService<ICloudRuntimesComponents>().GetConfigurationStore("config");

        File.WriteAllText(Path.Combine(_workspace, "variables", "banner.toml"), "type = [");
        await Assert.ThrowsAsync<global::Rototo.RototoException>(() => store.RefreshAsync(Token));
        var entry = await CheckAsync(host, "cloud-runtimes-components");

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith($"config: rototo workspace {_workspace} serves the version loaded at ", entry.Description, StringComparison.Ordinal);
        Assert.Contains("; the last 1 refresh(es) failed: ", entry.Description, StringComparison.Ordinal);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task A_state_store_whose_redis_went_away_is_unhealthy_with_the_error()
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        using var host = Build(
            b => b.AddRedisComponents().AddComponent("cache", "state.redis", redis.Metadata).AddComponent("pubsub", "pubsub.in-memory"),
            checks => checks.AddCloudRuntimesComponents(probeTimeout: TimeSpan.FromSeconds(3)));
        await host.StartAsync(Token);
        var healthy = await CheckAsync(host, "cloud-runtimes-components");

        await redis.DisposeAsync();
        var down = await CheckAsync(host, "cloud-runtimes-components");

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.StartsWith("cache: state.redis", down.Description, StringComparison.Ordinal);
        Assert.StartsWith("Unhealthy: state.redis", (string)down.Data["cache"], StringComparison.Ordinal);
        Assert.Equal("Healthy: pubsub.in-memory is created (its building block has no read to probe)", down.Data["pubsub"]);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task A_component_that_never_answers_is_unhealthy_after_the_probe_timeout()
    {
        using var host = Build(
            b => b.AddInstance<IStateStore>("stuck", "state.stuck", new NeverAnsweringStateStore()),
            checks => checks.AddCloudRuntimesComponent("stuck", probeTimeout: TimeSpan.FromMilliseconds(200)));
        await host.StartAsync(Token);

        var entry = await CheckAsync(host, "stuck");

        Assert.Equal((HealthStatus.Unhealthy, "stuck: state.stuck did not answer within 0.2 s"), (entry.Status, entry.Description));
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task A_component_that_is_not_defined_is_reported_by_name()
    {
        using var host = Build(b => b.AddComponent("pubsub", "pubsub.in-memory"), checks => checks.AddCloudRuntimesComponent("statestore", failureStatus: HealthStatus.Degraded));
        await host.StartAsync(Token);

        var entry = await CheckAsync(host, "statestore");

        Assert.Equal((HealthStatus.Degraded, "component 'statestore' is not defined"), (entry.Status, entry.Description));
        await host.StopAsync(Token);
    }

    /// <summary>A state store whose reads never complete and ignore cancellation (only the probe's own timeout can end them).</summary>
    private sealed class NeverAnsweringStateStore : IStateStore
    {
        private readonly TaskCompletionSource<StateItem?> _never = new();

        public StateStoreFeatures Features => default;

        public Task<StateItem?> GetAsync(string key, GetStateOptions? options = null, CancellationToken cancellationToken = default) => _never.Task;

        public Task<IReadOnlyList<BulkStateItem>> GetBulkAsync(IReadOnlyList<string> keys, GetStateOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task SaveAsync(IReadOnlyList<SaveStateItem> items, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteAsync(IReadOnlyList<DeleteStateItem> items, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<StateKeyPage> ListKeysAsync(StateKeyQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
