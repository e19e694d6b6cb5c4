using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Secrets;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The secret store conformance suite (Dapr <c>tests/conformance/secretstores</c>, SE-02 and SE-03, plus not
/// found). Each subclass seeds its back end with <c>conftestsecret=abcd</c> and <c>secondsecret=efgh</c>.
/// </summary>
public abstract class SecretStoreConformance : ComponentConformance<ISecretStore>
{
    /// <inheritdoc />
    protected override ISecretStore Resolve(CloudRuntimesComponents components, string name) => components.GetSecretStore(name);

    [Fact]
    public async Task Get_returns_the_secret_as_a_single_key_map()
    {
        var secret = await Component.GetAsync("conftestsecret");

        Assert.Equal(new Dictionary<string, string> { ["conftestsecret"] = "abcd" }, secret);
    }

    [Fact]
    public async Task Bulk_get_contains_every_seeded_secret()
    {
        var secrets = await Component.GetBulkAsync();

        Assert.Equal("abcd", secrets["conftestsecret"]["conftestsecret"]);
        Assert.Equal("efgh", secrets["secondsecret"]["secondsecret"]);
    }

    [Fact]
    public async Task Missing_secret_reads_as_null()
    {
        Assert.Null(await Component.GetAsync("no-such-secret-" + Guid.NewGuid().ToString("N")));
    }
}
