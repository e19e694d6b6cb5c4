using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>
/// Dapr's pub/sub topic scoping on a real component built from metadata (the examples of Dapr's "Scope Pub/sub topic
/// access" page): allowedTopics, protectedTopics, publishingScopes and subscriptionScopes, as seen by one app id.
/// </summary>
public sealed class TopicScopesTests : IAsyncDisposable
{
    private readonly List<CloudRuntimesComponents> _built = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var components in _built)
        {
            await components.DisposeAsync();
        }
    }

    private async Task<IPubSub> PubSubForAsync(string appId, Dictionary<string, string> metadata)
    {
        var components = await new CloudRuntimesBuilder(appId, Path.GetTempPath()).AddComponent("pubsub", "pubsub.in-memory", metadata).BuildAsync();
        _built.Add(components);
        return components.GetPubSub("pubsub");
    }

    private static async Task<string?> PublishErrorAsync(IPubSub pubsub, string topic)
    {
        try
        {
            await pubsub.PublishAsync(new PublishRequest(topic, Encoding.UTF8.GetBytes("x")));
            return null;
        }
        catch (CloudRuntimesException e)
        {
            return e.ErrorCode;
        }
    }

    private static async Task<string?> SubscribeErrorAsync(IPubSub pubsub, string topic)
    {
        try
        {
            await using var subscription = await pubsub.SubscribeAsync(new TopicSubscription(topic), (_, _) => Task.FromResult(DeliveryStatus.Success));
            return null;
        }
        catch (CloudRuntimesException e)
        {
            return e.ErrorCode;
        }
    }

    [Theory]
    // publishingScopes "app1=topic1;app2=topic2,topic3;app3=": app1 only topic1, app2 topic2 and topic3, app3 nothing, others all.
    [InlineData("app1", "topic1", true)]
    [InlineData("app1", "topic2", false)]
    [InlineData("app2", "topic3", true)]
    [InlineData("app2", "topic1", false)]
    [InlineData("app3", "topic1", false)]
    [InlineData("app4", "topic2", true)]
    public async Task Publishing_scopes_grant_each_listed_app_exactly_its_topics(string appId, string topic, bool allowed)
    {
        var pubsub = await PubSubForAsync(appId, new() { ["publishingScopes"] = "app1=topic1;app2=topic2,topic3;app3=" });

        Assert.Equal(allowed ? null : CloudRuntimesErrors.PubSubForbidden.Code, await PublishErrorAsync(pubsub, topic));
    }

    [Fact]
    public async Task Subscription_scopes_restrict_subscribing_and_leave_publishing_alone()
    {
        var pubsub = await PubSubForAsync("app1", new() { ["subscriptionScopes"] = "app1=topic1" });

        Assert.Null(await SubscribeErrorAsync(pubsub, "topic1"));
        Assert.Equal(CloudRuntimesErrors.PubSubForbidden.Code, await SubscribeErrorAsync(pubsub, "topic2"));
        Assert.Null(await PublishErrorAsync(pubsub, "topic2"));
    }

    [Fact]
    public async Task Allowed_topics_bound_every_app_and_protected_topics_need_a_grant()
    {
        var metadata = new Dictionary<string, string> { ["allowedTopics"] = "topic1,topic2,topic3", ["protectedTopics"] = "topic3", ["publishingScopes"] = "app1=topic3" };
        var granted = await PubSubForAsync("app1", metadata);
        var other = await PubSubForAsync("app2", metadata);

        Assert.Equal(CloudRuntimesErrors.PubSubForbidden.Code, await PublishErrorAsync(other, "topic4"));
        Assert.Null(await PublishErrorAsync(other, "topic1"));
        Assert.Equal(CloudRuntimesErrors.PubSubForbidden.Code, await PublishErrorAsync(other, "topic3"));
        Assert.Null(await PublishErrorAsync(granted, "topic3"));
        Assert.Equal(CloudRuntimesErrors.PubSubForbidden.Code, await SubscribeErrorAsync(other, "topic3"));
    }

    [Fact]
    public async Task Malformed_scope_names_the_component_and_the_key()
    {
        var builder = new CloudRuntimesBuilder("app1", Path.GetTempPath()).AddComponent("events", "pubsub.in-memory", new Dictionary<string, string> { ["publishingScopes"] = "app1" });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'publishingScopes'", error.Message, StringComparison.Ordinal);
    }
}
