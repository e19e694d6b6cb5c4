using Microsoft.Extensions.Logging;
using Vtx.Host.Packaging;
using Vtx.Host.Runtime;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>A plugin built against wasi-libc runs with deny-by-default WASI preview1.</summary>
public sealed class WasiTests : IDisposable
{
    private readonly RuntimeFixture _fixture = new();
    private readonly ListLogger _logger = new();

    [Fact]
    public void Wasi_plugin_sees_only_vtx_env_and_no_files_and_its_output_reaches_the_logger()
    {
        using var runtime = new VtxRuntime(RuntimeFixture.Options, _logger);
        using var plugin = runtime.Compile(PluginPackage.Load(TestPlugins.Core("wasi-hello")))
            .CreateInstance("wasi-hello", _fixture.Database.Sql(), _fixture.StreamIo, TimeSpan.FromSeconds(1));

        var response = plugin.Handle(new HttpRequest("GET", "/x", ""));

        Assert.Equal("env=production home=unset passwd=denied", RuntimeFixture.BodyText(response));
        Assert.Contains((LogLevel.Information, "[wasi-hello stdout] handling GET /x"), _logger.Entries);
        Assert.Contains((LogLevel.Warning, "[wasi-hello stderr] a warning from the plugin"), _logger.Entries);
    }

    [Fact]
    public void Wasi_component_with_the_preview1_adapter_runs_its_main_module()
    {
        var package = PluginPackage.Load(TestPlugins.Component("wasi-hello"));
        using var plugin = _fixture.Runtime.Compile(package).CreateInstance("wasi-hello", _fixture.Database.Sql(), _fixture.StreamIo, TimeSpan.FromSeconds(1));

        Assert.True(_fixture.Runtime.Compile(package).UsesWasi);
        Assert.Equal("wasi-hello", plugin.GetManifest().Id);
        Assert.Equal("env=production home=unset passwd=denied", RuntimeFixture.BodyText(plugin.Handle(new HttpRequest("GET", "/", ""))));
    }

    public void Dispose() => _fixture.Dispose();
}
