using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CloudRuntimes.Components.Resources;

/// <summary>
/// Reads the Dapr resource documents of a resources directory (<c>--resources-path</c>) with YamlDotNet, once, with
/// one error format (<c>FILE: what is wrong</c>): <c>kind: Component</c> (<c>dapr.io/v1alpha1</c>) and
/// <c>kind: Subscription</c> (<c>v1alpha1</c> <c>spec.route</c>, <c>v2alpha1</c> <c>spec.routes</c>). Several documents per
/// file are allowed; documents scoped to other app ids are left out; documents of other kinds are skipped.
/// <c>secretKeyRef</c> items become <see cref="ComponentDefinition.SecretReferences"/>, resolved when components are built.
/// </summary>
public static partial class ResourceLoader
{
    /// <summary>Reads every <c>*.yaml</c>/<c>*.yml</c> file of a directory (not recursive), sorted by file name.</summary>
    /// <param name="directory">The resources directory.</param>
    /// <param name="appId">This runtime's app id: resources whose <c>scopes</c> do not list it are left out.</param>
    /// <returns>The resources, in file order.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: the directory is missing, a file is not valid YAML, a
    /// document lacks a required field, or two components share a name; the message names the file.</exception>
    public static RuntimeResources LoadDirectory(string directory, string appId)
    {
        if (!Directory.Exists(directory))
        {
            throw Invalid(directory, "resources directory not found");
        }
        var files = Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        var components = new List<ComponentDefinition>();
        var subscriptions = new List<SubscriptionDefinition>();
        foreach (var file in files)
        {
            var resources = Parse(ReadFile(file), file, appId);
            foreach (var component in resources.Components)
            {
                if (components.FirstOrDefault(c => c.Name == component.Name) is { } first)
                {
                    throw Invalid(file, $"component '{component.Name}' is defined twice (also in {first.SourceFile})");
                }
                components.Add(component);
            }
            subscriptions.AddRange(resources.Subscriptions);
        }
        return new RuntimeResources(components, subscriptions);
    }

    /// <summary>Parses resource documents from YAML text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="appId">This runtime's app id, for <c>scopes</c>.</param>
    /// <returns>The resources.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: invalid YAML or an invalid resource.</exception>
    public static RuntimeResources Parse(string yaml, string sourceName, string appId)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw Invalid(sourceName, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        var components = new List<ComponentDefinition>();
        var subscriptions = new List<SubscriptionDefinition>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root || !InScope(root, appId))
            {
                continue;
            }
            switch (Scalar(root, "kind"))
            {
                case "Component":
                    components.Add(Component(root, sourceName));
                    break;
                case "Subscription":
                    subscriptions.Add(Subscription(root, sourceName));
                    break;
            }
        }
        return new RuntimeResources(components, subscriptions);
    }

    /// <summary>The error of a bad resource: <see cref="CloudRuntimesErrors.ResourceInvalid"/> with the message <c>FILE: message</c>.</summary>
    /// <param name="source">The file (or directory) at fault; null for a resource defined in code.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The failure behind it, if any.</param>
    /// <returns>The exception to throw.</returns>
    public static CloudRuntimesException Invalid(string? source, string message, Exception? innerException = null) =>
        new(CloudRuntimesErrors.ResourceInvalid, source is null ? message : $"{source}: {message}", innerException);

    private static string ReadFile(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(file, $"cannot be read: {e.Message}");
        }
    }

    private static bool InScope(YamlMappingNode root, string appId) =>
        Child(root, "scopes") is not YamlSequenceNode scopes || scopes.Children.Count == 0 || scopes.Children.OfType<YamlScalarNode>().Any(s => s.Value == appId);

    private static ComponentDefinition Component(YamlMappingNode root, string sourceName)
    {
        var name = Mapping(root, "metadata") is { } metadata ? Scalar(metadata, "name") : null;
        if (string.IsNullOrEmpty(name))
        {
            throw Invalid(sourceName, "a Component has no metadata.name");
        }
        var spec = Mapping(root, "spec") ?? throw Invalid(sourceName, $"component '{name}' has no spec");
        var type = Scalar(spec, "type");
        if (string.IsNullOrEmpty(type))
        {
            throw Invalid(sourceName, $"component '{name}' has no spec.type");
        }
        var secretStore = Mapping(root, "auth") is { } auth ? Scalar(auth, "secretStore") : null;
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        var references = new Dictionary<string, SecretKeyReference>(StringComparer.Ordinal);
        foreach (var item in (Child(spec, "metadata") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [])
        {
            var key = Scalar(item, "name") ?? throw Invalid(sourceName, $"component '{name}' has a metadata item without name");
            if (Mapping(item, "secretKeyRef") is { } reference)
            {
                var secretName = Scalar(reference, "name") ?? throw Invalid(sourceName, $"component '{name}' metadata '{key}' secretKeyRef has no name");
                references[key] = new SecretKeyReference(secretStore, secretName, Scalar(reference, "key") ?? secretName);
            }
            else
            {
                items[key] = Scalar(item, "value") ?? "";
            }
        }
        var scopes = (Child(root, "scopes") as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() ?? [];
        return new ComponentDefinition(name, type, Scalar(spec, "version") ?? "v1", items, scopes, sourceName, references);
    }

    private static SubscriptionDefinition Subscription(YamlMappingNode root, string sourceName)
    {
        var name = (Mapping(root, "metadata") is { } metadata ? Scalar(metadata, "name") : null) ?? "";
        var spec = Mapping(root, "spec") ?? throw Invalid(sourceName, $"Subscription '{name}' has no spec");
        var routes = Mapping(spec, "routes");
        var route = Scalar(spec, "route") ?? (routes is null ? null : Scalar(routes, "default"));
        var rules = (routes is not null && Child(routes, "rules") is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>() : [])
            .Select(rule => new SubscriptionRule(Scalar(rule, "match") ?? "", Scalar(rule, "path") ?? ""))
            .ToList();
        var pubsub = Scalar(spec, "pubsubname");
        var topic = Scalar(spec, "topic");
        if (string.IsNullOrEmpty(pubsub) || string.IsNullOrEmpty(topic) || (route is null && rules.Count == 0))
        {
            throw Invalid(sourceName, $"Subscription '{name}' needs spec.pubsubname, spec.topic and spec.route (or spec.routes.default or spec.routes.rules)");
        }
        if (rules.Any(r => string.IsNullOrWhiteSpace(r.Match) || string.IsNullOrWhiteSpace(r.Path)))
        {
            throw Invalid(sourceName, $"Subscription '{name}': a routing rule needs a match and a path");
        }
        var bulk = Mapping(spec, "bulkSubscribe");
        return new SubscriptionDefinition(name, pubsub, topic, route, rules, Scalar(spec, "deadLetterTopic"),
            bulk is not null && string.Equals(Scalar(bulk, "enabled"), "true", StringComparison.OrdinalIgnoreCase)
                ? new BulkSubscribeSettings(Scalar(bulk, "maxMessagesCount"), Scalar(bulk, "maxAwaitDurationMs"))
                : null,
            SubscriptionMetadata(spec, name, sourceName),
            sourceName);
    }

    /// <summary><c>spec.metadata</c> of a subscription: a map of strings (Dapr's <c>map[string]string</c>), or nothing.</summary>
    private static Dictionary<string, string> SubscriptionMetadata(YamlMappingNode spec, string name, string sourceName)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(spec, "metadata"))
        {
            case null:
                return metadata;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } text } || value is not YamlScalarNode scalar)
                    {
                        throw Invalid(sourceName, $"Subscription '{name}': spec.metadata must map names to strings");
                    }
                    metadata[text] = scalar.Value ?? "";
                }
                return metadata;
            default:
                throw Invalid(sourceName, $"Subscription '{name}': spec.metadata must map names to strings");
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) => Child(node, key) is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode? Mapping(YamlMappingNode node, string key) => Child(node, key) as YamlMappingNode;
}
