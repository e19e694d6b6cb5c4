using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Rototo.Extensions.Hosting;
using Rototo.Extensions.Tests.Support;

namespace Rototo.Extensions.Tests.Docs;

/// <summary>
/// docs/dotnet.md: each C# block is a snippet of <see cref="GuideSnippets"/> (compiled with this project), its
/// appsettings block is the configuration these tests run the snippets with, and each snippet does what the guide says.
/// </summary>
public sealed partial class GuideSnippetTests : IAsyncDisposable
{
    private static readonly string Guide = File.ReadAllText(Path.Combine(StorefrontCopy.RepositoryRoot, "docs", "dotnet.md"));
    private static readonly string Snippets = File.ReadAllText(Path.Combine(StorefrontCopy.RepositoryRoot, "tests", "Rototo.Extensions.Tests", "Docs", "GuideSnippets.cs"));

    private readonly StorefrontCopy _storefront = new("storefront");
    private readonly List<WebApplication> _apps = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
        _storefront.Dispose();
    }

    [GeneratedRegex(@"<!-- (?<kind>snippet|appsettings): (?<name>[a-z-]+) -->\n```(?<language>\w+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex GuideBlock();

    [GeneratedRegex(@"^```(?<language>\w*)$", RegexOptions.Multiline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^(?<indent> *)// snippet: (?<name>[a-z-]+)\n(?<code>.*?)^ *// end snippet$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex SourceRegion();

    private static Dictionary<string, string> GuideBlocks(string kind) => GuideBlock().Matches(Guide.ReplaceLineEndings("\n"))
        .Where(match => match.Groups["kind"].Value == kind)
        .ToDictionary(match => match.Groups["name"].Value, match => match.Groups["code"].Value);

    private static Dictionary<string, string> SourceRegions() => SourceRegion().Matches(Snippets.ReplaceLineEndings("\n"))
        .ToDictionary(match => match.Groups["name"].Value, match => Dedent(match.Groups["code"].Value, match.Groups["indent"].Value.Length));

    private static string Dedent(string code, int indent) => string.Concat(code.Split('\n')
        .Select(line => line.Length >= indent && line[..indent].Trim().Length == 0 ? line[indent..] : line)
        .Select((line, index) => index == 0 ? line : "\n" + line));

    [Fact]
    public void Every_csharp_block_of_the_guide_is_a_compiled_snippet_and_every_snippet_is_in_the_guide()
    {
        var guide = GuideBlocks("snippet");
        var source = SourceRegions();
        var csharpFences = Fence().Matches(Guide.ReplaceLineEndings("\n")).Count(match => match.Groups["language"].Value == "csharp");

        Assert.Equal(["checkout-options", "client-health", "components", "configuration", "feature-flags", "hosting"], source.Keys.Order());
        Assert.Equal(source.Keys.Order(), guide.Keys.Order());
        Assert.Equal(source.Count, csharpFences);
        foreach (var (name, code) in source)
        {
            Assert.True(code == guide[name], $"docs/dotnet.md snippet '{name}' differs from GuideSnippets.cs:\n--- guide\n{guide[name]}--- source\n{code}");
        }
    }

    /// <summary>An app built by a snippet on a test server, with the guide's appsettings and the test's own paths.</summary>
    private async Task<HttpClient> StartAsync(Func<WebApplicationBuilder, Task<WebApplication>> snippet, Dictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _storefront.Folder, EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(GuideBlocks("appsettings")["appsettings"])));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The guide's relative paths are relative to the working directory; the test's copies live elsewhere.
            ["Rototo:Source"] = _storefront.Root,
            ["CloudRuntimes:DataDirectory"] = Path.Combine(_storefront.Folder, "data"),
        });
        builder.Configuration.AddInMemoryCollection(overrides ?? []);
        var app = await snippet(builder);
        _apps.Add(app);
        await app.StartAsync(Token);
        return app.GetTestClient();
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path, string? tier = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (tier is not null)
        {
            request.Headers.Add("X-User-Tier", tier);
        }
        using var response = await client.SendAsync(request, Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Configuration_snippet_serves_the_variables_through_IOptionsMonitor_and_follows_a_workspace_change()
    {
        var client = await StartAsync(GuideSnippets.ConfigurationAsync);
        var before = JsonNode.Parse((await GetAsync(client, "/checkout")).Body);

        _storefront.SetStandardBanner("Checkout is open all night");
        await _apps[0].Services.GetRequiredService<RototoWorkspaceService>().Workspace.RefreshNowAsync(Token);
        var after = JsonNode.Parse((await GetAsync(client, "/checkout")).Body);

        // examples/storefront: a free member from Germany with an empty cart gets the standard banner and 50 items.
        Assert.Equal(("Secure checkout", 50), (before!["banner"]!.GetValue<string>(), before["maxCartItems"]!.GetValue<int>()));
        Assert.Equal(("Checkout is open all night", 50), (after!["banner"]!.GetValue<string>(), after["maxCartItems"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Hosting_snippet_loads_the_workspace_named_by_the_Rototo_section()
    {
        var client = await StartAsync(builder => Task.FromResult(GuideSnippets.HostedWorkspace(builder)));

        var (status, fingerprint) = await GetAsync(client, "/version");
        var rototo = _apps[0].Services.GetRequiredService<RototoWorkspaceService>();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual("\"\"", fingerprint);
        Assert.Equal(_storefront.Root, rototo.Source);
        // The guide's appsettings: refresh every 30 s, lint errors deny a version.
        Assert.Equal((TimeSpan.FromSeconds(30), LintMode.Deny), (rototo.Options!.RefreshPeriod, rototo.Options.Lint));
    }

    [Fact]
    public async Task Feature_flag_snippet_gates_and_picks_variants_by_the_request_header()
    {
        var client = await StartAsync(builder => Task.FromResult(GuideSnippets.FeatureFlags(builder)));

        // examples/storefront: express-checkout and the premium banner go to user.tier = premium.
        Assert.Equal((HttpStatusCode.OK, "One click, and it is on its way."), await GetAsync(client, "/express-checkout", "premium"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/express-checkout", "free")).Status);
        Assert.Equal((HttpStatusCode.OK, "Welcome back! Premium members check out with free express shipping."), await GetAsync(client, "/banner", "premium"));
        Assert.Equal((HttpStatusCode.OK, "Secure checkout"), await GetAsync(client, "/banner", "free"));
    }

    [Fact]
    public async Task Client_and_health_snippet_reports_the_workspace_and_a_runtime_that_cannot_be_reached()
    {
        var nobody = $"http://127.0.0.1:{FreePorts.Next()}/";
        var client = await StartAsync(builder => Task.FromResult(GuideSnippets.ClientAndHealth(builder)), new() { ["CloudRuntimes:Client:Endpoint"] = nobody });

        var health = await GetAsync(client, "/health");
        var report = await _apps[0].Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), health);
        Assert.Equal(HealthStatus.Healthy, report.Entries["rototo"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["cloud-runtimes"].Status);
        Assert.StartsWith($"GET v1.0/healthz: the runtime at {nobody} cannot be reached: ", report.Entries["cloud-runtimes"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Components_snippet_builds_the_in_process_components_and_reports_them_healthy()
    {
        var client = await StartAsync(builder => Task.FromResult(GuideSnippets.InProcessComponents(builder)));

        var health = await GetAsync(client, "/health/components");
        var report = await _apps[0].Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token);
        var components = report.Entries["cloud-runtimes-components"];

        Assert.Equal((HttpStatusCode.OK, "Healthy"), health);
        Assert.Equal("2 component(s) healthy", components.Description);
        Assert.Equal("Healthy: state.sqlite answers reads", components.Data["statestore"]);
        Assert.Equal("Healthy: database.sqlite answers queries", components.Data["database"]);
    }
}
