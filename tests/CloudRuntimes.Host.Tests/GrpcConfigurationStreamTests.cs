using Dapr.Client;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Configuration subscriptions over gRPC (the unmodified Dapr SDK's <c>SubscribeConfiguration</c>) against the real server
/// process: a change to the rototo workspace reaches the stream at the next refresh; <c>UnsubscribeConfiguration</c> ends it.
/// </summary>
public sealed class GrpcConfigurationStreamTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("cr-grpc-config-").FullName;

    private string Workspace => Path.Combine(_root, "workspace");

    public ValueTask InitializeAsync()
    {
        Write("rototo-workspace.toml", "schema_version = 1\n");
        Write("variables/message.toml", Variable("hello"));
        Write("variables/other.toml", Variable("unchanged"));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Workspace_changes_arrive_on_the_stream_until_unsubscribed()
    {
        await using var server = ServerProcess.StartWithConfigRefreshingEverySecond(_root, Workspace);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        using var dapr = DaprGrpc.Client(server.Endpoint, server.GrpcEndpoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var subscription = await dapr.SubscribeConfiguration("config", ["message"], cancellationToken: timeout.Token);
        await using var changes = subscription.Source.GetAsyncEnumerator(timeout.Token);
        // As Dapr: the first message carries the subscription id and no items (the SDK takes the id from it).
        Assert.True(await changes.MoveNextAsync());
        Assert.Empty(changes.Current);
        Assert.False(string.IsNullOrEmpty(subscription.Id));

        Write("variables/other.toml", Variable("changed but not subscribed"));
        Write("variables/message.toml", Variable("bonjour"));

        Assert.True(await changes.MoveNextAsync());
        var change = Assert.Single(changes.Current);
        Assert.Equal("message", change.Key);
        Assert.Equal("bonjour", change.Value.Value);

        var unsubscribed = await dapr.UnsubscribeConfiguration("config", subscription.Id, timeout.Token);
        Assert.True(unsubscribed.Ok);
        Assert.False(await changes.MoveNextAsync());
        Assert.False((await dapr.UnsubscribeConfiguration("config", subscription.Id, timeout.Token)).Ok);
    }

    private static string Variable(string value) =>
        $"schema_version = 1\ntype = \"string\"\n\n[values]\ndefault = \"{value}\"\n\n[resolve]\ndefault = \"default\"\n";

    private void Write(string relative, string text)
    {
        var path = Path.Combine(Workspace, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
