using System.Net;
using System.Text;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A declarative subscription's <c>spec.metadata</c> counts as a programmatic one's <c>metadata</c> does:
/// <c>maxDeliveryAttempts</c> bounds the deliveries of an event the app keeps failing before it goes to the
/// dead-letter topic (docs/apps.md). A routing rule's regular expressions cannot hold the subscription: CEL's
/// <c>matches</c> gives up after 100 ms and <c>duration</c> refuses text it cannot parse without backtracking, on a
/// published event; such a rule does not match (docs/security.md).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DeclarativeSubscriptionTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task MaxDeliveryAttemptsInSpecMetadataBoundsTheDeliveriesBeforeTheDeadLetterTopic()
    {
        var marker = Guid.NewGuid().ToString("N");
        // The test app's /flaky fails every event whose data says poison; it subscribes /dead to flaky-dead itself.
        var endpoint = await StartWithSubscriptionAsync($"""
            metadata:
              name: declared-flaky
            spec:
              pubsubname: pubsub
              topic: declared-{marker}
              routes:
                default: /flaky
              deadLetterTopic: flaky-dead
              metadata:
                maxDeliveryAttempts: "2"
            """);

        using var publish = await runtime.Http.PostAsync(new Uri(endpoint, $"v1.0/publish/pubsub/declared-{marker}"),
            new StringContent($$$"""{"marker":"{{{marker}}}","poison":true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);

        var dead = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "dead" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker);
        Assert.Single(dead);
        var attempts = (await runtime.ReceivedAsync()).OfType<System.Text.Json.Nodes.JsonObject>()
            .Count(r => r["kind"]!.GetValue<string>() == "flaky" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_rule_whose_regex_would_backtrack_for_ever_on_an_event_does_not_match_and_the_next_event_is_routed()
    {
        var marker = Guid.NewGuid().ToString("N");
        var endpoint = await StartWithSubscriptionAsync($"""
            metadata:
              name: routed-by-regex
            spec:
              pubsubname: pubsub
              topic: routed-{marker}
              routes:
                rules:
                  - match: event.data.name.matches('^(a+)+$')
                    path: /routed/matched
                  - match: duration(event.data.wait) > duration('1s')
                    path: /routed/slow
                default: /routed/default
            """);

        // 40 'a's and a '!': about 2^40 backtracking steps for the first rule, and for CEL's own duration parser
        // (([0-9]*(\.[0-9]*)?[a-z]+)+); then ordinary events each rule matches.
        var evil = new string('a', 40) + "!";
        foreach (var (name, wait) in new[] { (evil, evil), ("aaa", "0s"), ("b", "2s") })
        {
            using var publish = await runtime.Http.PostAsync(new Uri(endpoint, $"v1.0/publish/pubsub/routed-{marker}"),
                new StringContent($$$"""{"marker":"{{{marker}}}","name":"{{{name}}}","wait":"{{{wait}}}"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        }

        var routed = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "routed" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker, count: 3);
        Assert.Equal(
            [("/routed/default", evil), ("/routed/matched", "aaa"), ("/routed/slow", "b")],
            routed.Select(r => (r["path"]!.GetValue<string>(), r["body"]!["data"]!["name"]!.GetValue<string>())).Order());
    }

    /// <summary>Starts a runtime for the test app whose resources are an in-memory <c>pubsub</c> and one Subscription (its YAML from <c>metadata:</c> on).</summary>
    private async Task<Uri> StartWithSubscriptionAsync(string subscription)
    {
        var resources = Directory.CreateDirectory(TempFolders.New("cr-e2e-declarative-")).FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "resources.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.in-memory
              version: v1
            ---
            apiVersion: dapr.io/v2alpha1
            kind: Subscription

            """ + subscription);
        var data = TempFolders.New("cr-e2e-declarative-data-");
        var endpoint = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null, "--resources-path", resources);
        await runtime.WaitUntilReadyAsync(endpoint);
        return endpoint;
    }
}
