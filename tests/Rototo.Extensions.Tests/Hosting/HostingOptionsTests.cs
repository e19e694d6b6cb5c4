using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rototo.Extensions.Hosting;
using Rototo.Extensions.Tests.Support;
using Rototo.Refresh;

namespace Rototo.Extensions.Tests.Hosting;

/// <summary><c>services.AddRototo(section)</c> and <c>AddRototo(lambda)</c>: options bound and checked at host start.</summary>
public sealed class HostingOptionsTests : IDisposable
{
    private readonly StorefrontCopy _storefront = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _storefront.Dispose();

    private static IHost Build(Dictionary<string, string?> settings, Action<HostApplicationBuilder> register)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        register(builder);
        return builder.Build();
    }

    [Fact]
    public async Task Options_bound_from_a_section_load_the_workspace()
    {
        using var host = Build(
            new() { ["Rototo:Source"] = _storefront.Root, ["Rototo:RefreshPeriod"] = "00:10:00", ["Rototo:Sources:GitTimeout"] = "00:00:07", ["Rototo:Sources:MaxFileBytes"] = "65536" },
            builder => builder.Services.AddRototo(builder.Configuration.GetSection("Rototo")));

        await host.StartAsync(Token);

        var workspace = host.Services.GetRequiredService<RefreshingWorkspace>();
        Assert.Equal(_storefront.Root, workspace.Source);
        Assert.Equal(TimeSpan.FromMinutes(10), workspace.Options.Period);
        Assert.Equal(TimeSpan.FromSeconds(7), host.Services.GetRequiredService<IOptions<RototoHostingOptions>>().Value.Sources.GitTimeout);
        Assert.Equal(65536, host.Services.GetRequiredService<IOptions<RototoHostingOptions>>().Value.Sources.MaxFileBytes);
        Assert.Equal(TimeSpan.FromSeconds(60), Rototo.Sources.WorkspaceSourceOptions.Default.GitTimeout);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Invalid_options_from_a_section_fail_the_start_naming_each_key()
    {
        using var host = Build(
            new() { ["Rototo:RefreshPeriod"] = "-00:00:01", ["Rototo:MaxFailureBackoff"] = "00:00:01", ["Rototo:Sources:MaxArchiveEntries"] = "0", ["Rototo:Sources:MaxFileBytes"] = "0" },
            builder => builder.Services.AddRototo(builder.Configuration.GetSection("Rototo")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Equal(
            [
                "Rototo:Source is required: a rototo workspace source (a folder, file://, git+https://...#ref:subdir or an https:// archive)",
                "Rototo:RefreshPeriod must be a positive duration (hh:mm:ss), got -00:00:01; leave it empty for no background refresh",
                "Rototo:MaxFailureBackoff (00:00:01) must not be shorter than Rototo:MinFailureBackoff (00:00:05)",
                "Rototo:Sources:MaxArchiveEntries must be positive, got 0",
                "Rototo:Sources:MaxFileBytes must be positive, got 0",
            ],
            error.Failures);
    }

    [Fact]
    public async Task A_value_that_does_not_convert_fails_the_start_naming_its_key()
    {
        using var host = Build(
            new() { ["Rototo:Source"] = _storefront.Root, ["Rototo:RefreshPeriod"] = "every minute" },
            builder => builder.Services.AddRototo(builder.Configuration.GetSection("Rototo")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Token));

        Assert.Contains("'Rototo:RefreshPeriod'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_options_from_a_lambda_name_the_property()
    {
        using var host = Build([], builder => builder.Services.AddRototo(options => options.Source = "http://example.com/config.tar.gz"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Equal(["RototoHostingOptions.Source 'http://example.com/config.tar.gz' is not a workspace source: http:// workspace sources are not supported; use https://"], error.Failures);
    }
}
