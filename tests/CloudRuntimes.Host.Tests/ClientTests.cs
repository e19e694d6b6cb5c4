using System.Text;
using System.Text.Json;
using CloudRuntimes.Bindings;
using CloudRuntimes.Client;
using CloudRuntimes.Invocation;
using CloudRuntimes.Lock;
using CloudRuntimes.State;
using Microsoft.Extensions.DependencyInjection;

namespace CloudRuntimes.Host.Tests;

/// <summary>CloudRuntimesClient against the real server process, every building block.</summary>
[Collection(RuntimeGroup.Name)]
public sealed class ClientTests(RuntimeProcesses runtime)
{
    private CloudRuntimesClient Client() => new(runtime.RuntimeEndpoint);

    [Fact]
    public async Task State_round_trips_typed_values_with_etags_and_transactions()
    {
        using var client = Client();
        var key = "client-" + Guid.NewGuid().ToString("N");

        await client.State.SaveValueAsync("statestore", key, new Order("o-1", 2));
        Assert.Equal(new Order("o-1", 2), await client.State.GetValueAsync<Order>("statestore", key));

        var item = await client.State.GetAsync("statestore", key);
        Assert.NotNull(item);
        var conflict = await Assert.ThrowsAsync<CloudRuntimesException>(() => client.State.SaveValueAsync("statestore", key, new Order("o-1", 3), etag: item.ETag + "x"));
        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, conflict.ErrorCode);

        await client.State.ExecuteTransactionAsync("statestore",
        [
            StateOperation.ForUpsert(new SaveStateItem(key + "-b", "\"b\""u8.ToArray())),
            StateOperation.ForDelete(new DeleteStateItem(key, item.ETag)),
        ]);
        Assert.Null(client.State.Get("statestore", key));
        var bulk = await client.State.GetBulkAsync("statestore", [key + "-b", key]);
        Assert.Equal("\"b\"", Encoding.UTF8.GetString(bulk[0].Value!.Value.Span));
        Assert.Null(bulk[1].Value);
    }

    [Fact]
    public async Task Publish_invoke_configuration_secrets_lock_and_bindings_work_through_the_client()
    {
        using var client = Client();
        var marker = Guid.NewGuid().ToString("N");
        await client.PubSub.PublishEventAsync("pubsub", "orders", new { marker });
        Assert.Single(await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker));

        var echo = await client.Invocation.InvokeMethodAsync<object, JsonElement>(RuntimeProcesses.AppId, "echo/typed", new { n = 1 });
        Assert.Equal("/echo/typed", echo.GetProperty("path").GetString());
        var raw = client.Invocation.InvokeMethod(new InvocationRequest(RuntimeProcesses.AppId, "echo/raw", "GET", ReadOnlyMemory<byte>.Empty, QueryString: "status=404"));
        Assert.Equal(404, raw.StatusCode);

        var items = await client.Configuration.GetAsync("config", ["max-cart-items"], new Dictionary<string, string> { ["context.cart.items"] = "25" });
        Assert.Equal("200", items["max-cart-items"].Value);

        var secret = client.Secrets.Get("secretstore", RuntimeProcesses.SecretName);
        Assert.Equal(RuntimeProcesses.SecretValue, secret![RuntimeProcesses.SecretName]);
        Assert.Null(await client.Secrets.GetAsync("secretstore", "CLOUD_RUNTIMES_E2E_NOT_SET"));

        var resource = "client-lock-" + Guid.NewGuid().ToString("N");
        Assert.True(client.Lock.TryLock("lockstore", new TryLockRequest(resource, "me", 10)));
        Assert.Equal(UnlockStatus.LockBelongsToOthers, await client.Lock.UnlockAsync("lockstore", new UnlockRequest(resource, "you")));
        Assert.Equal(UnlockStatus.Success, await client.Lock.UnlockAsync("lockstore", new UnlockRequest(resource, "me")));
        Assert.Equal(UnlockStatus.LockDoesNotExist, await client.Lock.UnlockAsync("lockstore", new UnlockRequest(resource, "me")));

        var notFound = await Assert.ThrowsAsync<CloudRuntimesException>(() => client.Bindings.InvokeAsync("no-such-binding", new BindingRequest("create", "{}"u8.ToArray())));
        Assert.Equal(CloudRuntimesErrors.InvokeOutputBinding.Code, notFound.ErrorCode); // as Dapr answers any output binding failure
    }

    [Fact]
    public async Task State_query_pages_through_the_client()
    {
        using var client = Client();
        var team = "team-" + Guid.NewGuid().ToString("N");
        await client.State.SaveAsync("statestore", [.. Enumerable.Range(1, 3).Select(i => new SaveStateItem($"{team}-{i}", System.Text.Encoding.UTF8.GetBytes($$$"""{"team":"{{{team}}}","rank":{{{i}}}}""")))]);
        var query = StateQuery.Parse(System.Text.Encoding.UTF8.GetBytes($$$"""{"filter":{"EQ":{"team":"{{{team}}}"}},"sort":[{"key":"rank","order":"DESC"}],"page":{"limit":2}}"""));

        var first = await client.State.QueryAsync("statestore", query);
        var second = await client.State.QueryAsync("statestore", query with { Token = first.Token });

        Assert.Equal([$"{team}-3", $"{team}-2"], first.Results.Select(r => r.Key));
        Assert.Equal([$"{team}-1"], second.Results.Select(r => r.Key));
        Assert.Null(second.Token);
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(second.Results[0].Data).RootElement.GetProperty("rank").GetInt32());
        Assert.Empty((await client.State.QueryAsync("statestore", StateQuery.Parse("""{"filter":{"EQ":{"team":"nobody"}}}"""u8.ToArray()))).Results);
    }

    [Fact]
    public async Task Files_database_metadata_and_health_work_through_the_client()
    {
        using var client = Client();
        var name = $"client/{Guid.NewGuid():N}.bin";
        await client.File.PutAsync("files", name, new MemoryStream([1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, await client.File.GetAsync("files", name));
        Assert.Contains(await client.File.ListAsync("files", "client/"), f => f.Name == name && f.Size == 3);
        await client.File.DeleteAsync("files", name);
        var gone = await Assert.ThrowsAsync<CloudRuntimesException>(() => client.File.GetAsync("files", name));
        Assert.Equal(CloudRuntimesErrors.FileNotFound.Code, gone.ErrorCode);

        var table = "c" + Guid.NewGuid().ToString("N");
        await client.Database.ExecuteAsync("database", $"CREATE TABLE {table} (v REAL)");
        Assert.Equal(1, await client.Database.ExecuteAsync("database", $"INSERT INTO {table} VALUES (?)", [2.5]));
        var rows = await client.Database.QueryAsync("database", $"SELECT v FROM {table}");
        Assert.Equal(2.5, rows.Single()["v"]!.GetValue<double>());

        Assert.True(await client.CheckHealthAsync());
        Assert.Equal(RuntimeProcesses.AppId, (await client.GetMetadataAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dependency_injection_registration_resolves_a_working_client()
    {
        var services = new ServiceCollection();
        services.AddCloudRuntimesClient(options => options.Endpoint = runtime.RuntimeEndpoint);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<CloudRuntimesClient>();

        Assert.True(await client.CheckHealthAsync());
        // The synchronous methods send through the factory's pipeline (resilience handler included) as well.
        Assert.Equal(RuntimeProcesses.SecretValue, client.Secrets.Get("secretstore", RuntimeProcesses.SecretName)![RuntimeProcesses.SecretName]);
    }

    [Fact]
    public async Task Unreachable_runtime_is_a_clear_error()
    {
        using var client = new CloudRuntimesClient(new Uri($"http://127.0.0.1:{FreePorts.Next()}/"), TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => client.State.GetAsync("statestore", "k"));

        Assert.Equal("ERR_RUNTIME_UNAVAILABLE", error.ErrorCode);
        Assert.False(await client.CheckHealthAsync());
    }

    private sealed record Order(string Id, int Quantity);
}
