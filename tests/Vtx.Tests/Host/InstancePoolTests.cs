using System.Text;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>
/// Instances prepared ahead of requests for heavy plugins: the JavaScript plugin (milliseconds to instantiate) gets a
/// pool, a light C plugin does not, and every request still runs on an instance no other request used.
/// </summary>
public sealed class InstancePoolTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void A_heavy_plugin_gets_instances_prepared_ahead_and_each_request_a_fresh_one()
    {
        var options = TestPlugins.JavaScriptOptions();
        options.InstancePoolSize = 2;
        // Pool from any measured cost (how heavy "heavy" is has its own test below).
        options.InstancePoolThreshold = TimeSpan.FromTicks(1);
        using var runtime = new VtxRuntime(options);
        using var plugin = runtime.Compile(PluginPackage.Load(TestPlugins.JavaScript()));
        var database = TestDatabase.Open(_folder.File("vtx.db")).Sql();
        var io = new StreamIo(new DirectoryFileStore(_folder.Path));
        plugin.CreateInstance("js-notes", database, io, options.LoadTimeout).Dispose();

        Assert.NotNull(plugin.InstantiationTime);
        var bodies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var instance = plugin.Rent("js-notes", database, io, options.HandleTimeout);
            bodies.Add(RuntimeFixture.BodyText(instance.Handle(new HttpRequest("GET", "/calls", ""))));
            WaitFor(() => plugin.PooledInstances == 2);
        }

        // The pool filled up after the first request; every request saw an instance of its own.
        Assert.Equal(2, plugin.PooledInstances);
        Assert.All(bodies, body => Assert.Equal("call 1 of this instance", body));
    }

    [Fact]
    public void A_plugin_disposed_while_its_pool_fills_ends_quietly()
    {
        // The refill instantiates on the thread pool; disposing the plugin then made Wasmtime's handles throw
        // ObjectDisposedException there, which ended the test host (exit 134 in CI). Each round races the two.
        var options = TestPlugins.JavaScriptOptions();
        options.InstancePoolSize = 4;
        options.InstancePoolThreshold = TimeSpan.FromTicks(1);
        var database = TestDatabase.Open(_folder.File("vtx.db")).Sql();
        var io = new StreamIo(new DirectoryFileStore(_folder.Path));
        for (var round = 0; round < 10; round++)
        {
            using var runtime = new VtxRuntime(options);
            using var plugin = runtime.Compile(PluginPackage.Load(TestPlugins.JavaScript()));
            plugin.CreateInstance("js-notes", database, io, options.LoadTimeout).Dispose();
            plugin.Rent("js-notes", database, io, options.HandleTimeout).Dispose();
            Thread.Sleep(round);
        }
    }

    [Fact]
    public void Requests_through_the_host_run_on_fresh_instances_with_the_pool()
    {
        using var host = new VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path), TestPlugins.JavaScriptOptions());
        host.Load(TestPlugins.JavaScript());

        var bodies = Enumerable.Range(0, 5).Select(_ =>
        {
            var result = host.Handle("GET", "/js-notes/calls", "");
            using var body = result.Body!;
            Thread.Sleep(50);
            return Encoding.UTF8.GetString(body.Read(0, body.Size));
        }).ToList();

        Assert.All(bodies, body => Assert.Equal("call 1 of this instance", body));
    }

    [Fact]
    public void A_light_plugin_gets_no_pool()
    {
        var options = RuntimeFixture.Options;
        options.InstancePoolThreshold = TimeSpan.FromSeconds(10);
        using var runtime = new VtxRuntime(options);
        using var plugin = runtime.Compile(PluginPackage.Load(TestPlugins.Core("notes")));
        var database = TestDatabase.Open(_folder.File("vtx.db")).Sql();
        var io = new StreamIo(new DirectoryFileStore(_folder.Path));
        plugin.CreateInstance("notes", database, io, options.LoadTimeout).Dispose();

        plugin.Rent("notes", database, io, options.HandleTimeout).Dispose();
        Thread.Sleep(200);

        Assert.Equal(0, plugin.PooledInstances);
    }

    [Fact]
    public void A_pool_whose_instances_fail_to_instantiate_turns_itself_off()
    {
        var logger = new ListLogger();
        var attempts = 0;
        using var pool = new InstancePool((_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new VtxPluginException(VtxErrorCode.Trap, "start function trapped");
        }, size: 2, "p", logger);

        Assert.Null(pool.TryTake());
        WaitFor(() => logger.Entries.Any(e => e.Message.Contains("no longer prepared ahead of requests: start function trapped", StringComparison.Ordinal)));
        Assert.Null(pool.TryTake());
        Thread.Sleep(100);

        Assert.Equal(1, attempts);
        Assert.Equal(0, pool.Count);
    }

    public void Dispose() => _folder.Dispose();

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.True(condition(), "the condition did not hold within 30 s");
    }
}

/// <summary>Wasmtime's pooling allocator (<c>VtxHostOptions.PoolingAllocatorSlots</c>): plugins run as before, within the slots.</summary>
public sealed class PoolingAllocatorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Plugins_run_on_reused_slots_and_an_instance_past_the_slots_fails_clearly()
    {
        var options = RuntimeFixture.Options;
        options.PoolingAllocatorSlots = 2;
        using var runtime = new VtxRuntime(options);
        var plugin = runtime.Compile(PluginPackage.Load(TestPlugins.Core("notes")));
        var database = TestDatabase.Open(_folder.File("vtx.db")).Sql();
        var io = new StreamIo(new DirectoryFileStore(_folder.Path));

        // Many instances one after the other reuse the two slots.
        for (var i = 0; i < 20; i++)
        {
            using var instance = plugin.CreateInstance("notes", database, io, TimeSpan.FromSeconds(5));
            Assert.Equal("5:ell", RuntimeFixture.BodyText(instance.Handle(new HttpRequest("GET", "/copy", "hello"))));
        }

        using var first = plugin.CreateInstance("notes", database, io, TimeSpan.FromSeconds(5));
        using var second = plugin.CreateInstance("notes", database, io, TimeSpan.FromSeconds(5));
        var third = Assert.Throws<VtxPluginException>(() => plugin.CreateInstance("notes", database, io, TimeSpan.FromSeconds(5)));

        Assert.Equal(VtxErrorCode.ResourceLimit, third.Code);
        Assert.Contains("every slot of the host's pooling allocator is in use", third.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_growth_stops_at_the_limit_with_the_pooling_allocator()
    {
        var options = RuntimeFixture.Options;
        options.PoolingAllocatorSlots = 4;
        using var runtime = new VtxRuntime(options);
        using var instance = runtime.Compile(PluginPackage.Load(TestPlugins.Core("evil")))
            .CreateInstance("evil", TestDatabase.Open(_folder.File("vtx.db")).Sql(), new StreamIo(new DirectoryFileStore(_folder.Path)), TimeSpan.FromSeconds(5));

        var response = instance.Handle(new HttpRequest("GET", "/grow", ""));

        // The fixture's limit is 8 MiB = 128 pages of 64 KiB; the plugin grows 16 pages at a time.
        Assert.Equal(507, response.Status);
        Assert.InRange(int.Parse(RuntimeFixture.BodyText(response), System.Globalization.CultureInfo.InvariantCulture), 128 - 15, 128);
    }

    public void Dispose() => _folder.Dispose();
}
