using CloudRuntimes.Components.Secrets;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary><c>secretstores.local.file</c> flattening of nested JSON (Dapr's <c>nestedSeparator</c> and <c>multiValued</c>).</summary>
public sealed class SecretFileTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "cr-secrets-" + Guid.NewGuid().ToString("N") + ".json");

    public SecretFileTests()
    {
        File.WriteAllText(_file, """{"db":{"user":"app","password":"s3cret","ports":[5432,5433]},"token":"t0k","debug":true}""");
    }

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Nested_keys_are_joined_with_the_default_colon_separator()
    {
        var store = new JsonFileSecretStore(_file, ":", multiValued: false, "secrets");

        Assert.Equal(new Dictionary<string, string> { ["db:password"] = "s3cret" }, await store.GetAsync("db:password"));
        Assert.Equal("5433", (await store.GetAsync("db:ports:1"))!["db:ports:1"]);
        Assert.Equal("true", (await store.GetAsync("debug"))!["debug"]);
        Assert.Null(await store.GetAsync("db"));
    }

    [Fact]
    public async Task A_custom_separator_is_used_for_nested_keys()
    {
        var store = new JsonFileSecretStore(_file, ".", multiValued: false, "secrets");

        Assert.Equal("app", (await store.GetAsync("db.user"))!["db.user"]);
        Assert.Null(await store.GetAsync("db:user"));
    }

    [Fact]
    public async Task Multi_valued_store_groups_members_under_their_top_level_key()
    {
        var store = new JsonFileSecretStore(_file, ":", multiValued: true, "secrets");

        var db = await store.GetAsync("db");

        Assert.Equal(new Dictionary<string, string> { ["user"] = "app", ["password"] = "s3cret", ["ports:0"] = "5432", ["ports:1"] = "5433" }, db);
        Assert.Equal(new Dictionary<string, string> { ["token"] = "t0k" }, await store.GetAsync("token"));
    }

    [Fact]
    public void Missing_or_invalid_file_is_reported_with_its_path()
    {
        var missing = Assert.Throws<CloudRuntimesException>(() => new JsonFileSecretStore(_file + ".absent", ":", false, "secrets"));
        File.WriteAllText(_file, "[1,2]");
        var notObject = Assert.Throws<CloudRuntimesException>(() => new JsonFileSecretStore(_file, ":", false, "secrets"));

        Assert.Contains(_file + ".absent", missing.Message, StringComparison.Ordinal);
        Assert.Contains("JSON object", notObject.Message, StringComparison.Ordinal);
    }
}
