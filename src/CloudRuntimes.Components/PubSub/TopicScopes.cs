using CloudRuntimes.Components.Composition;

namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// Dapr's pub/sub topic scoping, as it applies to one app: component metadata <c>allowedTopics</c> (comma-separated;
/// when set, no other topic may be used by anyone), <c>protectedTopics</c> (comma-separated; only apps granted them by
/// a scope may use them), <c>publishingScopes</c> and <c>subscriptionScopes</c> (<c>app1=topic1;app2=topic2,topic3;app3=</c>:
/// a listed app may use exactly its topics, none for an empty list; an app not listed may use every topic that is
/// allowed and not protected). See https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/.
/// </summary>
public sealed class TopicScopes
{
    private readonly HashSet<string>? _allowed;
    private readonly HashSet<string> _protected;
    private readonly HashSet<string>? _publishing;
    private readonly HashSet<string>? _subscribing;

    private TopicScopes(HashSet<string>? allowed, HashSet<string> @protected, HashSet<string>? publishing, HashSet<string>? subscribing)
    {
        _allowed = allowed;
        _protected = @protected;
        _publishing = publishing;
        _subscribing = subscribing;
    }

    /// <summary>No scoping: every topic may be published to and subscribed to.</summary>
    public static TopicScopes Unrestricted { get; } = new(null, [], null, null);

    /// <summary>The scoping a component's metadata sets for <paramref name="appId"/>.</summary>
    /// <param name="definition">The pub/sub component.</param>
    /// <param name="appId">The app the runtime serves.</param>
    /// <returns>The scopes.</returns>
    /// <exception cref="CloudRuntimesException">A scope entry is not <c>app=topics</c> (<c>ERR_MALFORMED_REQUEST</c>, naming the component and key).</exception>
    public static TopicScopes For(ComponentDefinition definition, string appId)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new TopicScopes(
            definition.Get("allowedTopics") is { Length: > 0 } allowed ? Topics(allowed) : null,
            definition.Get("protectedTopics") is { Length: > 0 } protectedTopics ? Topics(protectedTopics) : [],
            ScopeOf(definition, "publishingScopes", appId),
            ScopeOf(definition, "subscriptionScopes", appId));
    }

    /// <summary>Whether the app may publish to <paramref name="topic"/>.</summary>
    public bool MayPublish(string topic) => MayUse(topic, _publishing);

    /// <summary>Whether the app may subscribe to <paramref name="topic"/>.</summary>
    public bool MaySubscribe(string topic) => MayUse(topic, _subscribing);

    private bool MayUse(string topic, HashSet<string>? granted) =>
        (_allowed is null || _allowed.Contains(topic)) && (granted?.Contains(topic) ?? !_protected.Contains(topic));

    private static HashSet<string> Topics(string list) =>
        new(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    /// <summary>The topics granted to <paramref name="appId"/> by a scope list; null when the list does not name it.</summary>
    private static HashSet<string>? ScopeOf(ComponentDefinition definition, string key, string appId)
    {
        if (definition.Get(key) is not { Length: > 0 } text)
        {
            return null;
        }
        HashSet<string>? granted = null;
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' metadata '{key}': '{entry}' is not app=topic1,topic2");
            }
            if (entry[..separator].Trim() == appId)
            {
                granted = Topics(entry[(separator + 1)..]);
            }
        }
        return granted;
    }
}
