using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Rototo;
using CloudRuntimes.Configuration;

namespace CloudRuntimes.Tests.Rototo;

/// <summary>
/// <c>configuration.rototo</c> over a real rototo workspace on disk: keys are variables resolved with a context
/// from request metadata; subscribers hear about refreshes that change their keys.
/// </summary>
public sealed class RototoConfigurationStoreTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cr-rototo-" + Guid.NewGuid().ToString("N"));
    private CloudRuntimesComponents? _components;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, "qualifiers"));
        Directory.CreateDirectory(Path.Combine(_root, "variables"));
        Directory.CreateDirectory(Path.Combine(_root, "schemas"));
        File.WriteAllText(Path.Combine(_root, "rototo-workspace.toml"), "schema_version = 1\n");
        File.WriteAllText(Path.Combine(_root, "schemas", "context.schema.json"), """{"type":"object","properties":{"user":{"type":"object","properties":{"tier":{"type":"string"}}}}}""");
        File.WriteAllText(Path.Combine(_root, "qualifiers", "premium.toml"), "schema_version = 1\n[[predicate]]\nattribute = \"user.tier\"\nop = \"eq\"\nvalue = \"premium\"\n");
        WriteBanner("Welcome");
        File.WriteAllText(Path.Combine(_root, "variables", "limit.toml"), "schema_version = 1\ntype = \"int\"\n[values]\nstandard = 10\nbig = 100\n[resolve]\ndefault = \"standard\"\n[[resolve.rule]]\nqualifier = \"premium\"\nvalue = \"big\"\n");

        var builder = new CloudRuntimesBuilder("test-app").AddRototoComponents();
        builder.AddComponent("config", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = _root, ["refreshPeriodSeconds"] = "0" });
        _components = await builder.BuildAsync();
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_components is not null)
        {
            await _components.DisposeAsync();
        }
        Directory.Delete(_root, recursive: true);
    }

    private IConfigurationStore Store => _components!.GetConfigurationStore("config");

    [Fact]
    public async Task Keys_resolve_with_the_context_given_as_json_metadata()
    {
        var items = await Store.GetAsync(["banner", "limit"], new Dictionary<string, string> { ["context"] = """{"user":{"tier":"premium"}}""" });

        Assert.Equal("Welcome, member", items["banner"].Value);
        Assert.Equal("100", items["limit"].Value);
        Assert.Equal("big", items["limit"].Metadata["valueKey"]);
    }

    [Fact]
    public async Task Context_paths_in_metadata_set_single_attributes()
    {
        var items = await Store.GetAsync(["limit"], new Dictionary<string, string> { ["context.user.tier"] = "free" });

        Assert.Equal("10", items["limit"].Value);
    }

    [Fact]
    public async Task No_keys_returns_every_variable_and_unknown_keys_are_absent()
    {
        var all = await Store.GetAsync([], new Dictionary<string, string> { ["context.user.tier"] = "free" });
        var some = await Store.GetAsync(["limit", "does-not-exist"], new Dictionary<string, string> { ["context.user.tier"] = "free" });

        Assert.Equal(["banner", "limit"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["limit"], some.Keys);
    }

    [Fact]
    public async Task Missing_context_attribute_is_a_configuration_error_with_rototo_message()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.GetAsync(["limit"]));

        Assert.Equal(CloudRuntimesErrors.ConfigurationGet.Code, error.ErrorCode);
        Assert.Contains("missing resolve context attribute: user.tier required by qualifier://premium", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_that_fails_the_schema_is_refused()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.GetAsync(["limit"], new Dictionary<string, string> { ["context.user.tier"] = "5" }));

        Assert.Contains("resolve context does not match schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribers_are_notified_of_changed_keys_only()
    {
        var updates = new List<ConfigurationUpdate>();
        var notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await Store.SubscribeAsync(["banner", "limit"], new Dictionary<string, string> { ["context.user.tier"] = "free" }, (update, _) =>
        {
            lock (updates)
            {
                updates.Add(update);
            }
            notified.TrySetResult();
            return Task.CompletedTask;
        });

        WriteBanner("Hello");
        await ((RototoConfigurationStore)Store).RefreshAsync();
        await notified.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var update = Assert.Single(updates);
        Assert.Equal(id, update.SubscriptionId);
        Assert.Equal(["banner"], update.Items.Keys);
        Assert.Equal("Hello", update.Items["banner"].Value);
        Assert.True(await Store.UnsubscribeAsync(id));
        Assert.False(await Store.UnsubscribeAsync(id));
    }

    [Fact]
    public async Task Component_with_a_missing_workspace_fails_to_build_naming_the_component()
    {
        var builder = new CloudRuntimesBuilder("test-app").AddRototoComponents();
        builder.AddComponent("broken", RototoComponentFactory.ConfigurationType, new Dictionary<string, string> { ["source"] = Path.Combine(_root, "nope") });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Contains("component 'broken' (configuration.rototo) cannot load workspace", error.Message, StringComparison.Ordinal);
    }

    private void WriteBanner(string text) =>
        File.WriteAllText(Path.Combine(_root, "variables", "banner.toml"),
            $"schema_version = 1\ntype = \"string\"\n[values]\nplain = \"{text}\"\nmember = \"{text}, member\"\n[resolve]\ndefault = \"plain\"\n[[resolve.rule]]\nqualifier = \"premium\"\nvalue = \"member\"\n");
}
