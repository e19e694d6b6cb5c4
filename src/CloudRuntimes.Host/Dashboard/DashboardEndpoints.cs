using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// The dashboard at <c>/dashboard</c> (on unless <c>--dashboard=false</c>): its pages (<see cref="DashboardAssets"/>) and
/// the JSON they read under <c>/dashboard/api</c>. It is one more way into the server, so it goes through the same
/// request policy as the API (loopback <c>Host</c>, <c>Origin</c>, API token); the page's own requests are same-origin.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>Adds the dashboard's services: the metric listener, the recent problems log and the JSON views.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<RecentProblems>();
        services.AddSingleton<ILoggerProvider>(provider => provider.GetRequiredService<RecentProblems>());
        services.AddSingleton<DashboardApi>();
        services.AddSingleton<RototoPlayground>();
        // Created when the host starts, so the charts count from the first request.
        services.AddHostedService(provider => provider.GetRequiredService<ServerMetrics>());
        return services;
    }

    public static void Map(IEndpointRouteBuilder routes)
    {
        // Routing matches /dashboard and /dashboard/ alike: one endpoint serves the page, or sends the browser to the
        // address its relative links need.
        routes.MapGet("/dashboard", (HttpRequest request) => request.Path.Value!.EndsWith('/') ? DashboardAssets.Serve("index.html") : Results.Redirect("/dashboard/"));
        var dashboard = routes.MapGroup("/dashboard");
        // Only the embedded files exist: any other name (a path, another case, an encoded dot) is 404.
        dashboard.MapGet("/{file}", (string file) => DashboardAssets.Serve(file));
        var api = dashboard.MapGroup("/api");
        api.MapGet("/overview", (DashboardApi views) => Json(views.Overview()));
        api.MapGet("/subscriptions", async (DashboardApi views, CancellationToken cancellationToken) => Json(await views.SubscriptionsAsync(cancellationToken)));
        api.MapGet("/plugins", (DashboardApi views) => Json(views.Plugins()));
        api.MapGet("/metrics", (DashboardApi views) => Json(views.Metrics()));
        api.MapGet("/playground", (RototoPlayground playground) => Json(playground.Stores()));
        api.MapPost("/playground/resolve", async (HttpRequest request, RototoPlayground playground, CancellationToken cancellationToken) =>
        {
            var (body, error) = await Api.ApiJson.ReadAsync<JsonObject>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            return Json(playground.Resolve(Text(body!, "store"), Text(body!, "variable"), Text(body!, "context")));
        });
    }

    /// <summary>
    /// A JSON answer written by <see cref="JsonNode.ToJsonString"/>: the views hold rototo's values as <c>JsonElement</c>s,
    /// which the API's serializer options would write as objects.
    /// </summary>
    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json; charset=utf-8");

    /// <summary>A string property of a request body; null when absent or not a string.</summary>
    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
