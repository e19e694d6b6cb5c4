using CloudRuntimes.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudRuntimes.Host.Tests;

/// <summary><c>AddCloudRuntimesClient(section)</c> and <c>AddCloudRuntimesHealthCheck()</c> in a generic host against the real server.</summary>
[Collection(RuntimeGroup.Name)]
public sealed class ClientHostingTests(RuntimeProcesses runtime)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static IHost Build(Dictionary<string, string?> settings, HealthStatus? failureStatus = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCloudRuntimesClient(builder.Configuration.GetSection("CloudRuntimes:Client"));
        builder.Services.AddHealthChecks().AddCloudRuntimesHealthCheck(failureStatus: failureStatus, timeout: TimeSpan.FromSeconds(5));
        return builder.Build();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token)).Entries["cloud-runtimes"];

    [Fact]
    public async Task The_client_and_its_health_check_use_the_endpoint_from_configuration()
    {
        using var host = Build(new() { ["CloudRuntimes:Client:Endpoint"] = runtime.RuntimeEndpoint.ToString(), ["CloudRuntimes:Client:Timeout"] = "00:00:05" });
        await host.StartAsync(Token);

        var client = host.Services.GetRequiredService<CloudRuntimesClient>();
        var items = await client.Configuration.GetAsync("config", ["max-cart-items"], new Dictionary<string, string> { ["context.cart.items"] = "25" }, Token);
        var entry = await CheckAsync(host);

        Assert.Equal("200", items["max-cart-items"].Value);
        Assert.Equal((HealthStatus.Healthy, $"the runtime at {runtime.RuntimeEndpoint} is healthy"), (entry.Status, entry.Description));
        Assert.Equal(204, entry.Data["status"]);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task A_runtime_that_cannot_be_reached_is_reported_with_the_reason()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        using var host = Build(new() { ["CloudRuntimes:Client:Endpoint"] = nobody.ToString() }, HealthStatus.Degraded);
        await host.StartAsync(Token);

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith($"GET v1.0/healthz: the runtime at {nobody} cannot be reached: ", entry.Description, StringComparison.Ordinal);
        Assert.Equal(0, entry.Data["status"]);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task A_runtime_whose_app_channel_is_not_up_is_unhealthy_with_its_error()
    {
        var data = TempFolders.New("cr-notready-");
        // The app port has nothing listening: the runtime answers healthz with ERR_HEALTH_NOT_READY until the app is up.
        var endpoint = runtime.StartRuntime(data, FreePorts.Next(), null);
        try
        {
            using var host = Build(new() { ["CloudRuntimes:Client:Endpoint"] = endpoint.ToString() });
            await host.StartAsync(Token);
            HealthReportEntry entry;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            do
            {
                await Task.Delay(200, Token);
                entry = await CheckAsync(host);
            }
            while (!entry.Description!.Contains("answered", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.StartsWith($"the runtime at {endpoint} answered 500: ", entry.Description, StringComparison.Ordinal);
            Assert.Contains("ERR_HEALTH_NOT_READY", entry.Description, StringComparison.Ordinal);
            await host.StopAsync(Token);
        }
        finally
        {
            runtime.RuntimeProcess(endpoint).Kill(entireProcessTree: true);
            await runtime.RuntimeProcess(endpoint).WaitForExitAsync(Token);
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_client_options_fail_the_start_naming_their_keys()
    {
        using var host = Build(new() { ["CloudRuntimes:Client:Endpoint"] = "localhost:3500", ["CloudRuntimes:Client:Timeout"] = "00:00:00" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Equal(
            [
                "CloudRuntimes:Client:Endpoint must be an absolute http:// or https:// address, got 'localhost:3500'",
                "CloudRuntimes:Client:Timeout must be a positive duration (hh:mm:ss), got 00:00:00",
            ],
            error.Failures);
    }
}
