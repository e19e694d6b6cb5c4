using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Requests the runtime sends on someone's behalf cannot leave the configured host: service invocation, output
/// bindings, subscription routes and jobs with hostile paths stay paths on the app (docs/security.md), and the app
/// token only ever goes there. A trap port stands where a request that escaped would land.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class OutboundRequestTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Invoked_methods_that_look_like_other_hosts_stay_paths_on_the_app()
    {
        using var trap = new TrapListener();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var methods = new Dictionary<string, string>
        {
            ["scheme-relative"] = $"/v1.0/invoke/{RuntimeProcesses.AppId}/method//127.0.0.1:{trap.Port}/{marker}-a",
            ["encoded slashes"] = $"/v1.0/invoke/{RuntimeProcesses.AppId}/method/%2F%2F127.0.0.1:{trap.Port}/{marker}-b",
            ["absolute url"] = $"/v1.0/invoke/{RuntimeProcesses.AppId}/method/http://127.0.0.1:{trap.Port}/{marker}-c",
            ["backslashes"] = $"/v1.0/invoke/{RuntimeProcesses.AppId}/method/\\\\127.0.0.1:{trap.Port}\\{marker}-d",
        };
        foreach (var (name, target) in methods)
        {
            var (status, _) = await RawHttp.SendAsync(runtime.RuntimeEndpoint, "POST", target);
            Assert.True(status == 200, $"{name}: {status}");
        }
        // The same through the dapr-app-id header, where the whole path is the method.
        var (headerStatus, _) = await RawHttp.SendAsync(runtime.RuntimeEndpoint, "POST", $"//127.0.0.1:{trap.Port}/{marker}-e",
            headers: new Dictionary<string, string> { ["dapr-app-id"] = RuntimeProcesses.AppId });
        Assert.Equal(200, headerStatus);

        var received = await runtime.WaitForReceivedAsync(r => r["path"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal), count: 5);
        Assert.True(received.Count >= 5, $"the app received {received.Count} of the hostile invocations");
        Assert.All(received, r => Assert.Equal("app-token", r["token"]!.GetValue<string>()));
        Assert.Equal(0, trap.Connections);
    }

    [Fact]
    public async Task Output_bindings_subscription_routes_and_jobs_with_hostile_paths_reach_the_app_only()
    {
        using var trap = new TrapListener();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var resources = TempFolders.New("cr-e2e-outbound-");
        Directory.CreateDirectory(resources);
        var app = runtime.AppEndpoint.ToString().TrimEnd('/');
        await File.WriteAllTextAsync(Path.Combine(resources, "components.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: apphttp
            spec:
              type: bindings.http
              version: v1
              metadata:
              - name: url
                value: {app}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.in-memory
              version: v1
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: jobs
            spec:
              type: jobs.sqlite
              version: v1
            ---
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: hostile-route
            spec:
              pubsubname: pubsub
              topic: hostile-{marker}
              routes:
                default: //127.0.0.1:{trap.Port}/{marker}-route
            """);
        var data = TempFolders.New("cr-e2e-outbound-data-");
        var endpoint = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null, "--resources-path", resources);
        await runtime.WaitUntilReadyAsync(endpoint);

        using var binding = await runtime.Http.PostAsync(new Uri(endpoint, "v1.0/bindings/apphttp"), Json($$$"""{"operation":"post","data":{"x":1},"metadata":{"path":"//127.0.0.1:{{{trap.Port}}}/{{{marker}}}-binding"}}"""));
        Assert.True(binding.IsSuccessStatusCode, $"the binding answered {binding.StatusCode}");
        using var publish = await runtime.Http.PostAsync(new Uri(endpoint, $"v1.0/publish/pubsub/hostile-{marker}"), Json("""{"hello":1}"""));
        Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        using var job = await runtime.Http.PostAsync(new Uri(endpoint, $"v1.0-alpha1/jobs/{Uri.EscapeDataString($"//127.0.0.1:{trap.Port}/{marker}-job")}"), Json("""{"dueTime":"0.1s"}"""));
        Assert.Equal(HttpStatusCode.NoContent, job.StatusCode);

        var received = await runtime.WaitForReceivedAsync(r => (r["path"]!.GetValue<string>() + r["body"]?.ToJsonString()).Contains(marker, StringComparison.Ordinal) || IsJob(r, marker), count: 3);
        Assert.Contains(received, r => r["path"]!.GetValue<string>().EndsWith(marker + "-binding", StringComparison.Ordinal));
        var delivery = Assert.Single(received, r => r["path"]!.GetValue<string>().EndsWith(marker + "-route", StringComparison.Ordinal));
        Assert.Equal("app-token", delivery["token"]!.GetValue<string>());
        var firing = Assert.Single(received, r => IsJob(r, marker));
        Assert.Equal("app-token", firing["token"]!.GetValue<string>());
        Assert.Equal(0, trap.Connections);
    }

    private static bool IsJob(JsonObject record, string marker) =>
        record["kind"]!.GetValue<string>() == "job" && record["path"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
