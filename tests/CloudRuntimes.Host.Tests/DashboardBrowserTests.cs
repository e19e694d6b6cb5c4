using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's headless <c>chromium</c> (<c>.ci/apt-packages</c>) driven by Playwright
/// against the real server and test app. Each page loads without console errors and shows what the server knows; a
/// screenshot of each is taken (into <c>docs/images/</c> when <c>UPDATE_DOCS_IMAGES=1</c>). Skipped, saying so, when
/// chromium is not installed; Playwright never downloads a browser.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DashboardBrowserTests(RuntimeProcesses runtime) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly List<string> _consoleErrors = [];
    private readonly string _screenshots = Environment.GetEnvironmentVariable("UPDATE_DOCS_IMAGES") == "1"
        ? Path.Combine(RuntimeProcesses.RepositoryRoot, "docs", "images")
        : TempFolders.New("cr-e2e-screenshots-");
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }
        Directory.CreateDirectory(_screenshots);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The machine's network is closed: no background connections, updates or sync (see .ci/apt-packages).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 760 }, Locale = "en-GB", TimezoneId = "UTC" });
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add(message.Text);
            }
        };
        _page.PageError += (_, error) => _consoleErrors.Add(error);
    }

    [Fact]
    public async Task The_components_page_lists_the_components_of_the_metadata()
    {
        await OpenAsync("components");
        var metadata = await runtime.Http.GetFromJsonAsync<JsonObject>(new Uri(runtime.RuntimeEndpoint, "v1.0/metadata"));

        var names = await _page.Locator("#components-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.name)");
        Assert.Equal(metadata!["components"]!.AsArray().Select(c => (string)c!["name"]!), names);
        Assert.Equal("open", await _page.Locator("#app-channel .badge").TextContentAsync());
        await ScreenshotAsync("components");
    }

    [Fact]
    public async Task A_published_message_moves_the_subscription_counters_on_the_page()
    {
        await OpenAsync("subscriptions");
        var row = _page.Locator("#subscriptions-table tr[data-topic='orders']");
        var before = long.Parse(await row.Locator(".delivered").TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);

        for (var i = 0; i < 2; i++)
        {
            using var publish = await runtime.Http.PostAsync(new Uri(runtime.RuntimeEndpoint, "v1.0/publish/pubsub/orders"), new StringContent("""{"from":"browser-test"}""", Encoding.UTF8, "application/json"));
            publish.EnsureSuccessStatusCode();
        }

        // The page refreshes itself every two seconds.
        await Assertions.Expect(row.Locator(".delivered")).ToHaveTextAsync((before + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        await ScreenshotAsync("subscriptions");
    }

    [Fact]
    public async Task The_plugins_page_counts_the_requests_of_a_plugin()
    {
        using (await runtime.Http.GetAsync(new Uri(runtime.RuntimeEndpoint, "guestbook")))
        {
        }
        await OpenAsync("plugins");

        var requests = await _page.Locator("#plugins-table tr[data-id='guestbook'] .requests").TextContentAsync();
        Assert.True(long.Parse(requests ?? "", System.Globalization.CultureInfo.InvariantCulture) >= 1, $"requests: {requests}");
        await ScreenshotAsync("plugins");
    }

    [Fact]
    public async Task The_playground_resolves_a_context_as_typed_and_shows_the_trace()
    {
        await OpenAsync("playground");
        await _page.Locator("#pg-variable").SelectOptionAsync("checkout-banner");

        await _page.Locator("#pg-context").FillAsync("""{"user": {"id": "user-42", "tier": "premium"}, "request": {"country": "DE"}, "cart": {"items": 3}}""");
        // variables/checkout-banner.toml: the first rule (premium-members) holds.
        await Assertions.Expect(_page.Locator("#pg-value")).ToHaveTextAsync("\"Welcome back! Premium members check out with free express shipping.\"");
        await Assertions.Expect(_page.Locator("#pg-rules tbody tr.matched").First).ToContainTextAsync("premium-members");
        await Assertions.Expect(_page.Locator("#pg-qualifiers tbody tr[data-qualifier='premium-members']")).ToContainTextAsync("user.tier");
        await ScreenshotAsync("playground");

        await _page.Locator("#pg-context").FillAsync("""{"user": {"tier": premium}}""");
        await Assertions.Expect(_page.Locator("#pg-status")).ToHaveTextAsync("not JSON: 'p' is an invalid start of a value. (line 1, column 19)");
        Assert.Contains("invalid", await _page.Locator("#pg-context").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requests_page_charts_the_building_blocks_that_served_requests()
    {
        using (await runtime.Http.GetAsync(new Uri(runtime.RuntimeEndpoint, "v1.0/state/statestore/dashboard-chart")))
        {
        }
        await OpenAsync("metrics");

        await Assertions.Expect(_page.Locator(".chart[data-block='state'] svg")).ToBeVisibleAsync();
        await ScreenshotAsync("requests");
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (!_screenshots.StartsWith(RuntimeProcesses.RepositoryRoot, StringComparison.Ordinal) && Directory.Exists(_screenshots))
        {
            Directory.Delete(_screenshots, recursive: true);
        }
    }

    /// <summary>Opens a page of the dashboard and waits until it has loaded its data, without console errors.</summary>
    private async Task OpenAsync(string page)
    {
        Assert.SkipUnless(_browser is not null, $"chromium is not installed at {Chromium} (apt-get install chromium; .ci/run installs .ci/apt-packages)");
        await _page.GotoAsync(new Uri(runtime.RuntimeEndpoint, $"dashboard/#{page}").ToString());
        await Assertions.Expect(_page.Locator("body")).ToHaveAttributeAsync("data-loaded", page);
        Assert.Empty(_consoleErrors);
    }

    private async Task ScreenshotAsync(string page)
    {
        Assert.Empty(_consoleErrors);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, $"dashboard-{page}.png") });
    }
}
