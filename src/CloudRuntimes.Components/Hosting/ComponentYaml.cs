using YamlDotNet.RepresentationModel;

namespace CloudRuntimes.Components.Hosting;

/// <summary>
/// Reads Dapr-format component files (<c>apiVersion: dapr.io/v1alpha1</c>, <c>kind: Component</c>) with YamlDotNet.
/// Several documents per file are allowed; documents of other kinds (e.g. <c>Subscription</c>) are skipped.
/// <c>secretKeyRef</c> items become <see cref="ComponentDefinition.SecretReferences"/>, resolved when components are built.
/// </summary>
public static class ComponentYaml
{
    /// <summary>Reads every <c>*.yaml</c>/<c>*.yml</c> file of a directory (not recursive), sorted by file name.</summary>
    /// <param name="directory">The components directory.</param>
    /// <returns>The component definitions.</returns>
    /// <exception cref="CloudRuntimesException">A file is not valid YAML or a component lacks <c>metadata.name</c> or <c>spec.type</c>; the message names the file.</exception>
    public static IReadOnlyList<ComponentDefinition> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"components directory not found: {directory}");
        }
        var files = Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        return [.. files.SelectMany(f => Parse(File.ReadAllText(f), f))];
    }

    /// <summary>Parses component documents from YAML text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <returns>The component definitions.</returns>
    /// <exception cref="CloudRuntimesException">Invalid YAML or an invalid component.</exception>
    public static IReadOnlyList<ComponentDefinition> Parse(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw Invalid(sourceName, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        var result = new List<ComponentDefinition>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root || Scalar(root, "kind") != "Component")
            {
                continue;
            }
            var name = Mapping(root, "metadata") is { } metadata ? Scalar(metadata, "name") : null;
            var spec = Mapping(root, "spec") ?? throw Invalid(sourceName, $"component '{name}' has no spec");
            var type = Scalar(spec, "type");
            if (string.IsNullOrEmpty(name))
            {
                throw Invalid(sourceName, "component has no metadata.name");
            }
            if (string.IsNullOrEmpty(type))
            {
                throw Invalid(sourceName, $"component '{name}' has no spec.type");
            }
            var secretStore = Mapping(root, "auth") is { } auth ? Scalar(auth, "secretStore") : null;
            var items = new Dictionary<string, string>(StringComparer.Ordinal);
            var references = new Dictionary<string, SecretKeyReference>(StringComparer.Ordinal);
            if (spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var list) && list is YamlSequenceNode sequence)
            {
                foreach (var item in sequence.Children.OfType<YamlMappingNode>())
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
            }
            var scopes = root.Children.TryGetValue(new YamlScalarNode("scopes"), out var scopeNode) && scopeNode is YamlSequenceNode scopeList
                ? scopeList.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
                : [];
            result.Add(new ComponentDefinition(name, type, Scalar(spec, "version") ?? "v1", items, scopes, sourceName, references));
        }
        return result;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static CloudRuntimesException Invalid(string source, string message) =>
        new(CloudRuntimesErrorCodes.MalformedRequest, $"{source}: {message}");
}
