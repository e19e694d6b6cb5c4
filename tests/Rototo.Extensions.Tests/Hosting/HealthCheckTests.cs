using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rototo.Extensions.Hosting;
using Rototo.Extensions.Tests.Support;
using Rototo.Refresh;

namespace Rototo.Extensions.Tests.Hosting;

/// <summary><c>AddHealthChecks().AddRototo()</c> through the real health check service.</summary>
public sealed class HealthCheckTests : IDisposable
{
    private readonly StorefrontCopy _storefront = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _storefront.Dispose();

    private IHost Build(TimeSpan? maxStaleness = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRototo(options =>
        {
            options.Source = _storefront.Root;
            options.RefreshPeriod = null;
            options.MaxStaleness = maxStaleness;
        });
        builder.Services.AddHealthChecks().AddRototo(tags: ["ready"]);
        return builder.Build();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token)).Entries["rototo"];

    [Fact]
    public async Task Unhealthy_before_the_first_load_then_healthy()
    {
        using var host = Build();

        var before = await CheckAsync(host);
        await host.StartAsync(Token);
        var after = await CheckAsync(host);

        Assert.Equal((HealthStatus.Unhealthy, $"rototo workspace {_storefront.Root} is not loaded yet"), (before.Status, before.Description));
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.StartsWith($"rototo workspace {_storefront.Root} serves the version loaded at ", after.Description, StringComparison.Ordinal);
        Assert.Equal(0L, after.Data["consecutiveFailures"]);
        Assert.Equal(["ready"], after.Tags);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Degraded_with_the_error_while_the_last_good_version_is_served_then_healthy_again()
    {
        using var host = Build();
        await host.StartAsync(Token);
        var workspace = host.Services.GetRequiredService<RefreshingWorkspace>();

        _storefront.Write("rototo-workspace.toml", "schema_version = [");
        await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));
        var degraded = await CheckAsync(host);
        _storefront.Write("rototo-workspace.toml", "schema_version = 1\n");
        await workspace.RefreshNowAsync(Token);
        var recovered = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("; the last 1 refresh(es) failed: ", degraded.Description, StringComparison.Ordinal);
        Assert.Equal(0L, recovered.Data["consecutiveFailures"]);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Degraded_when_the_last_success_is_older_than_the_allowed_staleness()
    {
        using var host = Build(maxStaleness: TimeSpan.FromMilliseconds(1));
        await host.StartAsync(Token);
        await Task.Delay(50, Token);

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.EndsWith(", older than the allowed 00:00:00.0010000", entry.Description, StringComparison.Ordinal);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Unhealthy_after_the_host_stopped()
    {
        using var host = Build();
        await host.StartAsync(Token);
        await host.StopAsync(Token);

        var entry = await CheckAsync(host);

        Assert.Equal((HealthStatus.Unhealthy, $"rototo workspace {_storefront.Root}: refreshing workspace has been shut down"), (entry.Status, entry.Description));
    }
}
