using System.Text.Json.Nodes;
using CloudRuntimes.Client;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;
using Rototo.Extensions.Configuration;
using Rototo.Extensions.Hosting;
using Rototo.FeatureManagement.AspNetCore;

namespace Rototo.Extensions.Tests.Docs;

// The C# snippets of docs/dotnet.md, compiled here and run by GuideSnippetTests: the text between
// "// snippet: NAME" and "// end snippet" is what the guide shows under <!-- snippet: NAME -->.

/// <summary>The guide's snippets, each building an app from a <see cref="WebApplicationBuilder"/> the test prepared.</summary>
public static class GuideSnippets
{
    /// <summary>Configuration provider + <c>IOptionsMonitor</c>.</summary>
    public static async Task<WebApplication> ConfigurationAsync(WebApplicationBuilder builder)
    {
        // snippet: configuration
        var workspace = await builder.Configuration.AddRototoAsync(
            Path.Combine(builder.Environment.ContentRootPath, "storefront"),
            ResolveContext.FromJson("""{"request":{"country":"DE"},"cart":{"items":0},"user":{"id":"anonymous","tier":"free"}}"""));
        builder.Services.AddRototo(workspace);
        builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("Rototo"));

        var app = builder.Build();
        app.MapGet("/checkout", (IOptionsMonitor<CheckoutOptions> checkout) => checkout.CurrentValue);
        // end snippet
        return app;
    }

    /// <summary>The hosted workspace, its options from the <c>Rototo</c> section.</summary>
    public static WebApplication HostedWorkspace(WebApplicationBuilder builder)
    {
        // snippet: hosting
        builder.Services.AddRototo(builder.Configuration.GetSection("Rototo"));

        var app = builder.Build();
        app.MapGet("/version", (RototoWorkspaceService rototo) => rototo.Workspace.GetStatus().CurrentFingerprint);
        // end snippet
        return app;
    }

    /// <summary>Feature flags and variants with Microsoft.FeatureManagement, per-request context.</summary>
    public static WebApplication FeatureFlags(WebApplicationBuilder builder)
    {
        // snippet: feature-flags
        builder.Services.AddRototo(builder.Configuration.GetSection("Rototo"));
        builder.Services.AddFeatureManagement().WithRototoHttpContext(
            http => http.Headers["X-User-Tier"] = "user.tier",
            features => features.Context = new JsonObject
            {
                ["request"] = new JsonObject { ["country"] = "US" },
                ["cart"] = new JsonObject { ["items"] = 0 },
                ["user"] = new JsonObject { ["id"] = "anonymous" },
            });

        var app = builder.Build();
        app.MapGet("/express-checkout", () => "One click, and it is on its way.")
            .WithFeatureGate("express-checkout");
        app.MapGet("/banner", async (IVariantFeatureManagerSnapshot features, CancellationToken cancellationToken) =>
            (await features.GetVariantAsync("checkout-banner", cancellationToken))?.Configuration.Value);
        // end snippet
        return app;
    }

    /// <summary>Health checks of the workspace and of the runtime as the client sees it; the client itself.</summary>
    public static WebApplication ClientAndHealth(WebApplicationBuilder builder)
    {
        // snippet: client-health
        builder.Services.AddRototo(builder.Configuration.GetSection("Rototo"));
        builder.Services.AddCloudRuntimesClient(builder.Configuration.GetSection("CloudRuntimes:Client"));
        builder.Services.AddHealthChecks().AddRototo().AddCloudRuntimesHealthCheck();

        var app = builder.Build();
        app.MapGet("/orders/{id}", async (string id, CloudRuntimesClient runtime, CancellationToken cancellationToken) =>
            await runtime.State.GetValueAsync<JsonObject>("statestore", $"order-{id}", cancellationToken));
        app.MapHealthChecks("/health");
        // end snippet
        return app;
    }

    /// <summary>An in-process runtime and the health of its components.</summary>
    public static WebApplication InProcessComponents(WebApplicationBuilder builder)
    {
        // snippet: components
        builder.Services.AddCloudRuntimes(builder.Configuration.GetSection("CloudRuntimes"), runtime => runtime
            .AddSqliteComponents()
            .AddComponent("statestore", "state.sqlite")
            .AddComponent("database", "database.sqlite"));
        builder.Services.AddHealthChecks().AddCloudRuntimesComponents();

        var app = builder.Build();
        app.MapHealthChecks("/health/components");
        // end snippet
        return app;
    }
}

// snippet: checkout-options
/// <summary>The checkout settings, bound from the rototo variables under <c>Rototo:</c>.</summary>
public sealed class CheckoutOptions
{
    /// <summary>Variable <c>checkout-banner</c>.</summary>
    [ConfigurationKeyName("checkout-banner")]
    public string Banner { get; set; } = "";

    /// <summary>Variable <c>max-cart-items</c>.</summary>
    [ConfigurationKeyName("max-cart-items")]
    public int MaxCartItems { get; set; }
}
// end snippet
