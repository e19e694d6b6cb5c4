using Vtx.Host;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>
/// The evil plugin fails only its own call, with a VtxPluginException naming the reason, and a
/// fresh instance of the same plugin answers the next request.
/// </summary>
public sealed class MisbehavingPluginTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Theory]
    [InlineData("/trap", VtxErrorCode.Trap, "unreachable")]
    [InlineData("/loop", VtxErrorCode.Timeout, "deadline")]
    [InlineData("/bad-pointer", VtxErrorCode.AbiViolation, "cabi_realloc")]
    [InlineData("/bad-length", VtxErrorCode.AbiViolation, "create-memory-buffer data")]
    [InlineData("/dangling", VtxErrorCode.InvalidHandle, "no such handle")]
    [InlineData("/forged-body", VtxErrorCode.InvalidHandle, "handle 4242")]
    [InlineData("/handles", VtxErrorCode.ResourceLimit, "64 live buffer handles")]
    public void Misbehaviour_fails_only_its_own_request(string path, VtxErrorCode code, string reason)
    {
        var plugin = fixture.Runtime.Compile(Vtx.Host.Packaging.PluginPackage.Load(TestPlugins.Core("evil")));

        using (var instance = plugin.CreateInstance("evil", fixture.Database.Sql(), fixture.StreamIo, TimeSpan.FromSeconds(1)))
        {
            var error = Assert.Throws<VtxPluginException>(() => instance.Handle(new HttpRequest("GET", path, "")));
            Assert.Equal(code, error.Code);
            Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("evil", error.PluginId);
            Assert.Throws<VtxPluginException>(() => instance.GetManifest());
        }

        using var next = plugin.CreateInstance("evil", fixture.Database.Sql(), fixture.StreamIo, TimeSpan.FromSeconds(5));
        var ok = next.Handle(new HttpRequest("GET", "/ok", ""));
        Assert.Equal(200, ok.Status);
        Assert.Equal("fine", RuntimeFixture.BodyText(ok));
    }

    [Fact]
    public void Memory_growth_stops_at_the_store_limit()
    {
        using var instance = fixture.Instantiate(TestPlugins.Core("evil"));

        var response = instance.Handle(new HttpRequest("GET", "/grow", ""));

        // The fixture's limit is 8 MiB = 128 pages of 64 KiB; the plugin grows 16 pages at a time.
        var pages = int.Parse(RuntimeFixture.BodyText(response), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(507, response.Status);
        Assert.InRange(pages, 128 - 15, 128);
    }

    [Fact]
    public void Misaligned_allocation_for_an_argument_is_refused()
    {
        using var instance = fixture.Instantiate(TestPlugins.Core("evil"));

        var error = Assert.Throws<VtxPluginException>(() => instance.Authenticate([new("a", "b")]));

        Assert.Equal(VtxErrorCode.AbiViolation, error.Code);
        Assert.Contains("not aligned to 4 bytes", error.Message, StringComparison.Ordinal);
    }
}
