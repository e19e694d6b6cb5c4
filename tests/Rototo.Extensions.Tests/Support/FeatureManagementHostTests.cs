using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Rototo.Extensions.Hosting;

namespace Rototo.Extensions.Tests.Support;

/// <summary>
/// Tests against a started generic host serving a storefront copy (<c>AddRototo</c>, no periodic refresh) with the
/// feature management services the test class registers, logging into <see cref="Logs"/>.
/// </summary>
public abstract class FeatureManagementHostTests : IAsyncLifetime
{
    private IHost? _host;

    /// <summary>The workspace copy the host serves.</summary>
    protected StorefrontCopy Storefront { get; } = new();

    /// <summary>The host's log lines.</summary>
    protected CollectingLogger Logs { get; } = new();

    /// <summary>The started host.</summary>
    protected IHost Host => _host ?? throw new InvalidOperationException("the host starts in InitializeAsync");

    /// <summary>The feature manager under test.</summary>
    protected IVariantFeatureManager Features => Host.Services.GetRequiredService<IVariantFeatureManager>();

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Builds and starts the host.</summary>
    public virtual async ValueTask InitializeAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Services.AddRototo(options =>
        {
            options.Source = Storefront.Root;
            options.RefreshPeriod = null;
        });
        ConfigureFeatures(builder.Services);
        _host = builder.Build();
        await _host.StartAsync(Token);
    }

    /// <summary>Stops the host and deletes the workspace copy.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(Token);
            _host.Dispose();
        }
        Storefront.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Registers feature management (and a context accessor, if the test has its own).</summary>
    /// <param name="services">The host's services.</param>
    protected abstract void ConfigureFeatures(IServiceCollection services);
}
