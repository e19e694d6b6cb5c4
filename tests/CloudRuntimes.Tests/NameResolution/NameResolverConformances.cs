using CloudRuntimes.Components;
using CloudRuntimes.Components.NameResolution;
using CloudRuntimes.Components.PostgreSql.NameResolution;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.Tests.Conformance;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.NameResolution;

/// <summary><c>sqlite</c> name resolution against the resolver suite: two instances on one file.</summary>
public sealed class SqliteNameResolverConformance : NameResolverConformance, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cr-names-").FullName;

    /// <inheritdoc />
    protected override string ResolverType => "nameresolution.sqlite";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["connectionString"] = Path.Combine(_folder, "names.db") };

    /// <inheritdoc />
    protected override async Task<INameResolver> OpenAsync(ComponentDefinition definition) => await SqliteNameResolver.OpenAsync(definition, default);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary><c>redis</c> name resolution against the resolver suite, on a real redis-server.</summary>
public sealed class RedisNameResolverConformance(RedisServer redis) : NameResolverConformance, IClassFixture<RedisServer>
{
    /// <inheritdoc />
    protected override string ResolverType => "nameresolution.redis";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings => redis.Metadata;

    /// <inheritdoc />
    protected override string? SkipReason => redis.SkipReason;

    /// <inheritdoc />
    protected override async Task<INameResolver> OpenAsync(ComponentDefinition definition) => await RedisNameResolver.OpenAsync(definition);
}

/// <summary><c>postgresql</c> name resolution against the resolver suite, on a real PostgreSQL, in a schema of its own.</summary>
public sealed class PostgreSqlNameResolverConformance(PostgresServer postgres) : NameResolverConformance
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _settings = new(postgres.NewSchemaMetadata);

    /// <inheritdoc />
    protected override string ResolverType => "nameresolution.postgresql";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings => _settings.Value;

    /// <inheritdoc />
    protected override string? SkipReason => postgres.SkipReason;

    /// <inheritdoc />
    protected override async Task<INameResolver> OpenAsync(ComponentDefinition definition) => await PostgreSqlNameResolver.OpenAsync(definition, default);
}

/// <summary><c>dns</c> name resolution: the template's host resolved, each address a replica.</summary>
public sealed class DnsNameResolverTests
{
    private static ComponentDefinition Definition(string? template) =>
        new("nameResolution", "nameresolution.dns", "v1", template is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["template"] = template }, [], "config.yaml");

    [Fact]
    public async Task Every_address_of_the_template_host_is_a_replica()
    {
        await using var resolver = DnsNameResolver.Open(Definition("http://{appId}:3600/base"));
        await using var bare = DnsNameResolver.Open(Definition("{APPID}:3601"));

        var replicas = await resolver.ResolveAsync("localhost", default);

        Assert.Contains(new Uri("http://127.0.0.1:3600/base"), replicas);
        Assert.All(replicas, r => Assert.Equal("/base", r.AbsolutePath));
        Assert.Contains(new Uri("http://127.0.0.1:3601/"), await bare.ResolveAsync("localhost", default));
        Assert.Empty(await resolver.ResolveAsync("bad/app id", default));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ftp://{appId}.internal")]
    [InlineData("not a url")]
    [InlineData("")]
    public void A_missing_or_non_http_template_is_refused_naming_the_file(string? template)
    {
        var error = Assert.Throws<CloudRuntimesException>(() => DnsNameResolver.Open(Definition(template)));

        Assert.Equal(CloudRuntimesErrors.ResourceInvalid.Code, error.ErrorCode);
        Assert.StartsWith("config.yaml: ", error.Message, StringComparison.Ordinal);
    }
}
