using CloudRuntimes.Components.Composition;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>Every builder knows the built-in component types and builds them from Dapr component YAML.</summary>
public sealed class BuiltInRegistrationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cr-yaml-" + Guid.NewGuid().ToString("N"));

    public BuiltInRegistrationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Built_in_types_are_built_from_component_yaml_with_their_capabilities()
    {
        File.WriteAllText(Path.Combine(_dir, "components.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: cache
            spec:
              type: state.in-memory
              version: v1
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: files
            spec:
              type: file.local
              version: v1
              metadata:
              - name: rootPath
                value: {Path.Combine(_dir, "files")}
            """);
        var builder = new CloudRuntimesBuilder("app", _dir).AddComponentsFrom(_dir);

        await using var components = await builder.BuildAsync();

        var cache = Assert.Single(components.Components, c => c.Name == "cache");
        Assert.Equal("state.in-memory", cache.Type);
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL", "QUERY_API"], cache.Capabilities);
        await components.GetFileStore("files").PutAsync("a.txt", new MemoryStream([1]));
        Assert.True(File.Exists(Path.Combine(_dir, "files", "a.txt")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public async Task Pubsub_concurrency_that_is_not_a_positive_integer_names_the_component_and_the_key(string value)
    {
        var builder = new CloudRuntimesBuilder("app", _dir);
        builder.AddComponent("events", "pubsub.in-memory", new Dictionary<string, string> { ["concurrency"] = value });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Equal(CloudRuntimesErrors.ResourceInvalid.Code, error.ErrorCode);
        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'concurrency'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_metadata_names_the_component_and_the_key()
    {
        var builder = new CloudRuntimesBuilder("app", _dir);
        builder.AddComponent("secrets", "secretstores.local.file");

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Equal(CloudRuntimesErrors.ResourceInvalid.Code, error.ErrorCode);
        Assert.Contains("'secrets'", error.Message, StringComparison.Ordinal);
        Assert.Contains("secretsFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_store_defaults_to_a_folder_named_after_the_component_in_the_data_directory()
    {
        var builder = new CloudRuntimesBuilder("app", _dir);
        builder.AddComponent("files", "file.local");
        await using var components = await builder.BuildAsync();

        await components.GetFileStore("files").PutAsync("x/y.txt", new MemoryStream([1, 2]));

        Assert.Equal(2, new FileInfo(Path.Combine(_dir, "files", "x", "y.txt")).Length);
    }
}
