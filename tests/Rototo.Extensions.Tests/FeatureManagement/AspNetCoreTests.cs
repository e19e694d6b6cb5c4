using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;
using Microsoft.FeatureManagement.Mvc;
using Microsoft.FeatureManagement.Mvc.TagHelpers;
using Rototo.Extensions.Hosting;
using Rototo.Extensions.Tests.Support;
using Rototo.FeatureManagement.AspNetCore;

namespace Rototo.Extensions.Tests.FeatureManagement;

/// <summary>Rototo flags in ASP.NET Core: the context from the request, <c>WithFeatureGate</c>, <c>[FeatureGate]</c>, the tag helper.</summary>
public sealed class AspNetCoreTests : IAsyncLifetime
{
    private readonly StorefrontCopy _storefront = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddRototo(options =>
        {
            options.Source = _storefront.Root;
            options.RefreshPeriod = null;
        });
        builder.Services.AddFeatureManagement().WithRototoHttpContext(
            http =>
            {
                http.Headers["X-Tier"] = "user.tier";
                http.Headers["X-User"] = "user.id";
            },
            features => features.Context = JsonNode.Parse("""{"request":{"country":"US"},"cart":{"items":0}}""")!.AsObject());
        builder.Services.AddControllers().AddApplicationPart(typeof(GatedController).Assembly);
        _app = builder.Build();
        _app.MapGet("/express", () => "express checkout").WithFeatureGate("express-checkout");
        _app.MapGet("/banner", async (IVariantFeatureManagerSnapshot features) => (await features.GetVariantAsync("checkout-banner", CancellationToken.None)).Configuration.Value);
        _app.MapGet("/banner-name", async (IVariantFeatureManagerSnapshot features) => (await features.GetVariantAsync("checkout-banner", CancellationToken.None))?.Name ?? "(none)");
        _app.MapControllers();
        await _app.StartAsync(Token);
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _storefront.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? tier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-User", "anonymous");
        if (tier is not null)
        {
            request.Headers.Add("X-Tier", tier);
        }
        using var response = await _client.SendAsync(request, Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Minimal_api_feature_gate_follows_the_request_context()
    {
        Assert.Equal((HttpStatusCode.OK, "express checkout"), await GetAsync("/express", "premium"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/express", "free")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/express", null)).Status);
    }

    [Fact]
    public async Task Mvc_FeatureGate_attribute_follows_the_request_context()
    {
        Assert.Equal((HttpStatusCode.OK, "gated"), await GetAsync("/gated", "premium"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/gated", "plus")).Status);
    }

    [Fact]
    public async Task Variant_value_follows_the_request_context()
    {
        Assert.Equal((HttpStatusCode.OK, "Welcome back! Premium members check out with free express shipping."), await GetAsync("/banner", "premium"));
        Assert.Equal((HttpStatusCode.OK, "Secure checkout"), await GetAsync("/banner", "free"));
    }

    [Fact]
    public async Task A_variant_whose_context_lacks_an_attribute_a_rule_reads_has_no_variant()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/banner-name");
        request.Headers.Add("X-Tier", "free");

        using var response = await _client.SendAsync(request, Token);

        // user.id is missing and the new-checkout rollout reads it: no variant rather than a failed request.
        Assert.Equal("(none)", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task A_hostile_header_value_leaves_the_flag_off_instead_of_failing_the_request()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/express", "gold")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/express", new string('p', 10_000))).Status);
    }

    [Fact]
    public async Task Feature_tag_helper_shows_its_content_only_when_the_flag_is_on()
    {
        Assert.Equal((false, true), (await TagHelperSuppressesAsync("premium"), await TagHelperSuppressesAsync("free")));
    }

    private async Task<bool> TagHelperSuppressesAsync(string tier)
    {
        using var scope = _app.Services.CreateScope();
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers["X-Tier"] = tier;
        scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>().HttpContext = http;
        var helper = new FeatureTagHelper(scope.ServiceProvider.GetRequiredService<IFeatureManagerSnapshot>(), scope.ServiceProvider.GetRequiredService<IVariantFeatureManagerSnapshot>())
        {
            Name = "express-checkout",
        };
        var output = new TagHelperOutput("feature", [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        output.Content.SetContent("one-click checkout");
        await helper.ProcessAsync(new TagHelperContext([], new Dictionary<object, object>(), "id"), output);
        return output.Content.IsEmptyOrWhiteSpace;
    }
}

/// <summary>An MVC controller gated by <c>[FeatureGate]</c>.</summary>
[ApiController]
public sealed class GatedController : ControllerBase
{
    [HttpGet("/gated")]
    [FeatureGate("express-checkout")]
    public string Get() => HttpContext.Request.Path == "/gated" ? "gated" : "";
}
