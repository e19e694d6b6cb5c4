using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The cluster of issue #17 on 127.0.0.1: three runtimes of app id <c>orders</c>, each with its own test app, on a
/// real redis-server (pub/sub, locks) and PostgreSQL (state, jobs), finding each other through name resolution on
/// Redis or on PostgreSQL, and a fourth runtime (app id <c>caller</c>, no app) invoking them.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class ClusterTests(RuntimeProcesses runtime, PostgresServer postgres) : IDisposable
{
    private const string Secret = "cluster-shared-secret-for-tests";
    private readonly string _folder = Directory.CreateTempSubdirectory("cr-cluster-").FullName;

    private HttpClient Http => runtime.Http;

    [Theory]
    [InlineData("redis")]
    [InlineData("postgresql")]
    public async Task Three_replicas_share_state_locks_topic_and_jobs_and_are_invoked_round_robin_past_a_killed_one(string resolver)
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var _ = redis;
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        Assert.SkipWhen(postgres.SkipReason is not null, postgres.SkipReason ?? "");
        var database = postgres.NewSchemaMetadata()["connectionString"];
        var resources = Resources(redis.Host, database);
        var config = Config(resolver, redis.Host, database);

        var apps = new List<Uri>();
        var replicas = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var port = FreePorts.Next();
                apps.Add(await runtime.StartAppAsync(port));
                replicas.Add(ServerProcess.Start(Path.Combine(_folder, $"data-{i}"), null,
                    "--app-id", "orders", "--app-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--resources-path", resources, "--config", config));
            }
            await using var caller = ServerProcess.Start(Path.Combine(_folder, "data-caller"), null, "--app-id", "caller", "--config", config);
            foreach (var server in replicas.Append(caller))
            {
                await server.WaitHealthyAsync(Http);
            }
            foreach (var replica in replicas)
            {
                await replica.WaitForLineAsync(TimeSpan.FromSeconds(30), "registering app orders");
            }
            var marker = Guid.NewGuid().ToString("N")[..12];

            await SharedStateAndLocksAsync(replicas, marker);
            await TopicIsSplitAsync(replicas, apps, marker);
            await JobFiresOncePerSecondAsync(replicas, apps, marker);
            await InvocationIsBalancedAndSurvivesAKillAsync(caller, replicas, apps, marker);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private async Task SharedStateAndLocksAsync(List<ServerProcess> replicas, string marker)
    {
        var key = "shared-" + marker;
        using (var save = await Http.PostAsync(Url(replicas[0], "v1.0/state/statestore"), JsonContent.Create(new[] { new { key, value = new { n = 1 } } })))
        {
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }
        using var read = await Http.GetAsync(Url(replicas[1], $"v1.0/state/statestore/{key}"));
        Assert.Equal("""{"n":1}""", await read.Content.ReadAsStringAsync());
        var etag = read.Headers.ETag?.Tag ?? read.Headers.GetValues("ETag").Single();
        using (var first = await Http.PostAsync(Url(replicas[1], "v1.0/state/statestore"), JsonContent.Create(new[] { new { key, value = (object)new { n = 2 }, etag } })))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }
        using (var stale = await Http.PostAsync(Url(replicas[2], "v1.0/state/statestore"), JsonContent.Create(new[] { new { key, value = (object)new { n = 3 }, etag } })))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        }
        Assert.Equal("""{"n":2}""", await Http.GetStringAsync(Url(replicas[2], $"v1.0/state/statestore/{key}")));
        var keys = await Http.GetFromJsonAsync<JsonObject>(Url(replicas[0], $"v1.0-alpha1/state/statestore/keys?prefix=shared-{marker}"));
        Assert.Equal([key], keys!["keys"]!.AsArray().Select(k => k!.GetValue<string>()));

        var resource = "lock-" + marker;
        Assert.True(await LockAsync(replicas[0], resource, "r0"));
        Assert.False(await LockAsync(replicas[1], resource, "r1"));
        Assert.False(await LockAsync(replicas[2], resource, "r2"));
        using (var unlock = await Http.PostAsync(Url(replicas[0], "v1.0-alpha1/unlock/lockstore"), JsonContent.Create(new { resourceId = resource, lockOwner = "r0" })))
        {
            Assert.Equal(0, (await unlock.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<int>());
        }
        Assert.True(await LockAsync(replicas[2], resource, "r2"));
    }

    private async Task TopicIsSplitAsync(List<ServerProcess> replicas, List<Uri> apps, string marker)
    {
        const int Messages = 1000;
        await Parallel.ForAsync(0, Messages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, token) =>
        {
            using var publish = await Http.PostAsync(Url(replicas[n % 3], "v1.0/publish/pubsub/orders"), JsonContent.Create(new { marker, n }), token);
            Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        });

        var deadline = DateTime.UtcNow.AddSeconds(120);
        List<int>[] received;
        do
        {
            await Task.Delay(500);
            received = await Task.WhenAll(apps.Select(async app => (await Received(app, "event"))
                .Where(r => r["body"]?["data"]?["marker"]?.GetValue<string>() == marker)
                .Select(r => r["body"]!["data"]!["n"]!.GetValue<int>()).ToList()));
        }
        while (received.Sum(r => r.Count) < Messages && DateTime.UtcNow < deadline);

        var all = received.SelectMany(r => r).ToList();
        Assert.Equal(Enumerable.Range(0, Messages), all.Order());
        Assert.All(received, r => Assert.NotEmpty(r));
    }

    private async Task JobFiresOncePerSecondAsync(List<ServerProcess> replicas, List<Uri> apps, string marker)
    {
        var name = "tick-" + marker;
        using (var schedule = await Http.PostAsync(Url(replicas[0], $"v1.0-alpha1/jobs/{name}"), JsonContent.Create(new { schedule = "@every 1s", data = new { marker } })))
        {
            Assert.Equal(HttpStatusCode.NoContent, schedule.StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(6));
        using (var delete = await Http.DeleteAsync(Url(replicas[1], $"v1.0-alpha1/jobs/{name}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));

        var firings = (await Task.WhenAll(apps.Select(app => Received(app, "job")))).SelectMany(r => r).Count(r => r["path"]!.GetValue<string>() == "/job/" + name);
        // Six seconds of a one-second schedule: 5 to 7 firings between the three replicas (each replica firing it would be 15 or more).
        Assert.InRange(firings, 4, 8);
    }

    private async Task InvocationIsBalancedAndSurvivesAKillAsync(ServerProcess caller, List<ServerProcess> replicas, List<Uri> apps, string marker)
    {
        for (var i = 0; i < 30; i++)
        {
            using var response = await Http.PostAsync(Url(caller, $"v1.0/invoke/orders/method/echo/rr-{marker}"), null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var app in apps)
        {
            Assert.Equal(10, (await Received(app, "invoke")).Count(r => r["path"]!.GetValue<string>() == $"/echo/rr-{marker}"));
        }

        replicas[0].Process.Kill(entireProcessTree: true);
        await replicas[0].Process.WaitForExitAsync();
        for (var i = 0; i < 10; i++)
        {
            using var response = await Http.PostAsync(Url(caller, $"v1.0/invoke/orders/method/echo/after-{marker}"), null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var after = await Task.WhenAll(apps.Select(async app => (await Received(app, "invoke")).Count(r => r["path"]!.GetValue<string>() == $"/echo/after-{marker}")));
        Assert.Equal(0, after[0]);
        Assert.Equal(10, after[1] + after[2]);
        Assert.InRange(after[1], 3, 7);
    }

    private async Task<bool> LockAsync(ServerProcess server, string resource, string owner)
    {
        using var response = await Http.PostAsync(Url(server, "v1.0-alpha1/lock/lockstore"), JsonContent.Create(new { resourceId = resource, lockOwner = owner, expiryInSeconds = 30 }));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["success"]!.GetValue<bool>();
    }

    private async Task<List<JsonObject>> Received(Uri app, string kind) =>
        [.. JsonNode.Parse(await Http.GetStringAsync(new Uri(app, "received")))!.AsArray().OfType<JsonObject>().Where(r => r["kind"]!.GetValue<string>() == kind)];

    private static Uri Url(ServerProcess server, string path) => new(server.Endpoint, path);

    private string Resources(string redisHost, string database)
    {
        var folder = Path.Combine(_folder, "resources");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "components.yaml"), $$"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: { name: statestore }
            spec:
              type: state.postgresql
              version: v1
              metadata:
              - { name: connectionString, value: "{{database}}" }
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: { name: jobs }
            spec:
              type: jobs.postgresql
              version: v1
              metadata:
              - { name: connectionString, value: "{{database}}" }
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: { name: pubsub }
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - { name: redisHost, value: "{{redisHost}}" }
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: { name: lockstore }
            spec:
              type: lock.redis
              version: v1
              metadata:
              - { name: redisHost, value: "{{redisHost}}" }
            """);
        return folder;
    }

    private string Config(string resolver, string redisHost, string database)
    {
        var file = Path.Combine(_folder, "config.yaml");
        var settings = resolver == "redis" ? $"redisHost: \"{redisHost}\"" : $"connectionString: \"{database}\"";
        File.WriteAllText(file, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: cluster
            spec:
              nameResolution:
                component: {resolver}
                sharedSecret: {Secret}
                configuration:
                  {settings}
                  updateInterval: 1s
            """);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
