using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;

namespace Vtx.Tests.Host;

/// <summary>Hot reload of a watched plugin folder.</summary>
public sealed class WatchTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Added_replaced_and_deleted_files_are_loaded_reloaded_and_unloaded()
    {
        var plugins = Directory.CreateDirectory(_folder.File("plugins")).FullName;
        var file = Path.Combine(plugins, "plugin.wasm");
        using var host = new VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path), RuntimeFixture.Options);
        using var watch = host.Watch(plugins);

        File.Copy(TestPlugins.Core("notes"), file);
        await WaitUntilAsync(() => host.Plugins.Select(p => p.Manifest.Id).SequenceEqual(["notes"]));

        File.Copy(TestPlugins.Core("gate"), file, overwrite: true);
        await WaitUntilAsync(() => host.Plugins.Select(p => p.Manifest.Id).SequenceEqual(["gate"]));
        Assert.Equal(404, host.Handle("GET", "/notes", "").Status);

        File.Delete(file);
        await WaitUntilAsync(() => host.Plugins.Count == 0);
    }

    public void Dispose() => _folder.Dispose();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; waited < 15_000 && !condition(); waited += 50)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the watched folder change was not applied within 15 s");
    }
}
