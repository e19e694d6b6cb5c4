using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Configuration;

namespace CloudRuntimes.Tests.Rototo;

/// <summary>
/// <c>configuration.rototo</c> default context (component metadata <c>defaultContext</c>, else the workspace's
/// <c>contexts/default.json</c>) merged under each request's context, and per-key failures left out of the answer as
/// Dapr leaves out a key its store does not have.
/// </summary>
public sealed class RototoDefaultContextTests : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cr-rototo-default-" + Guid.NewGuid().ToString("N"));
    private readonly List<CloudRuntimesComponents> _built = [];

    public RototoDefaultContextTests()
    {
        Write("rototo-workspace.toml", "schema_version = 1\n");
        Write("qualifiers/premium.toml", "schema_version = 1\n[[predicate]]\nattribute = \"user.tier\"\nop = \"eq\"\nvalue = \"premium\"\n");
        Write("qualifiers/eu.toml", "schema_version = 1\n[[predicate]]\nattribute = \"request.country\"\nop = \"in\"\nvalue = [\"DE\", \"FR\"]\n");
        Write("variables/limit.toml", "schema_version = 1\ntype = \"int\"\n[values]\nstandard = 10\nbig = 100\n[resolve]\ndefault = \"standard\"\n[[resolve.rule]]\nqualifier = \"premium\"\nvalue = \"big\"\n");
        Write("variables/shipping.toml", "schema_version = 1\ntype = \"string\"\n[values]\nworld = \"ups\"\neu = \"dhl\"\n[resolve]\ndefault = \"world\"\n[[resolve.rule]]\nqualifier = \"eu\"\nvalue = \"eu\"\n");
        Write("variables/plain.toml", "schema_version = 1\ntype = \"string\"\n[values]\nonly = \"always\"\n[resolve]\ndefault = \"only\"\n");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var components in _built)
        {
            await components.DisposeAsync();
        }
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_request_without_metadata_resolves_with_the_default_context()
    {
        var store = await StoreAsync("""{"user":{"tier":"premium"},"request":{"country":"US"}}""");

        var items = await store.GetAsync(["limit", "shipping"]);

        Assert.Equal(("100", "ups"), (items["limit"].Value, items["shipping"].Value));
    }

    [Fact]
    public async Task The_request_context_is_merged_over_the_default()
    {
        var store = await StoreAsync("""{"user":{"tier":"premium"},"request":{"country":"US"}}""");

        var byPath = await store.GetAsync(["limit", "shipping"], new Dictionary<string, string> { ["context.user.tier"] = "free" });
        var byJson = await store.GetAsync(["limit", "shipping"], new Dictionary<string, string> { ["context"] = """{"request":{"country":"DE"}}""" });

        Assert.Equal(("10", "ups"), (byPath["limit"].Value, byPath["shipping"].Value));
        Assert.Equal(("100", "dhl"), (byJson["limit"].Value, byJson["shipping"].Value));
    }

    [Fact]
    public async Task The_workspace_default_context_file_is_used_without_metadata()
    {
        Write("contexts/default.json", """{"user":{"tier":"free"},"request":{"country":"FR"}}""");
        var store = await StoreAsync(null);

        var items = await store.GetAsync(["limit", "shipping"]);

        Assert.Equal(("10", "dhl"), (items["limit"].Value, items["shipping"].Value));
    }

    [Fact]
    public async Task A_key_that_cannot_resolve_is_left_out_while_others_resolve()
    {
        var store = await StoreAsync(null);

        var some = await store.GetAsync(["limit", "plain"]);
        var all = await store.GetAsync([]);

        Assert.Equal(["plain"], some.Keys);
        Assert.Equal(["plain"], all.Keys);
    }

    [Fact]
    public async Task When_no_key_resolves_the_first_failure_is_the_error()
    {
        var store = await StoreAsync(null);

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => store.GetAsync(["limit", "shipping"]));

        Assert.Equal(CloudRuntimesErrors.ConfigurationGet.Code, error.ErrorCode);
        Assert.Equal("configuration store config: missing resolve context attribute: user.tier required by qualifier://premium", error.Message);
    }

    [Fact]
    public async Task A_default_context_that_is_not_an_object_fails_the_component_naming_it()
    {
        var builder = new CloudRuntimesBuilder("test-app").AddRototoComponents();
        builder.AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = _root, ["refreshPeriodSeconds"] = "0", ["defaultContext"] = "[1]" });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Equal("component 'config' metadata 'defaultContext' must be a JSON object: resolve context must be a JSON object", error.Message);
    }

    private async Task<IConfigurationStore> StoreAsync(string? defaultContext)
    {
        var metadata = new Dictionary<string, string> { ["source"] = _root, ["refreshPeriodSeconds"] = "0" };
        if (defaultContext is not null)
        {
            metadata["defaultContext"] = defaultContext;
        }
        var builder = new CloudRuntimesBuilder("test-app").AddRototoComponents();
        builder.AddComponent("config", RototoComponentFactory.ConfigurationType, metadata);
        var components = await builder.BuildAsync();
        _built.Add(components);
        return components.GetConfigurationStore("config");
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
