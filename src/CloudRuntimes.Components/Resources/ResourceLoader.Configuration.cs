using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CloudRuntimes.Components.Resources;

/// <summary>The <c>kind: Configuration</c> document of <c>--config FILE</c>.</summary>
public static partial class ResourceLoader
{
    /// <summary>The shortest shared secret accepted: 16 characters.</summary>
    public const int MinSharedSecretLength = 16;

    /// <summary>
    /// Reads a Dapr configuration file (<c>--config FILE</c>, <c>kind: Configuration</c>): its <c>spec.nameResolution</c>
    /// (<c>component</c>, <c>version</c>, the <c>configuration</c> map of scalars) and the Cloud Runtimes field
    /// <c>spec.nameResolution.sharedSecret</c> that runtime-to-runtime calls carry (at least
    /// <see cref="MinSharedSecretLength"/> characters; required with name resolution). Other fields are ignored.
    /// </summary>
    /// <param name="file">The YAML file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the file: unreadable, not YAML, no
    /// <c>kind: Configuration</c> document, or an invalid <c>nameResolution</c>.</exception>
    public static RuntimeConfiguration LoadConfiguration(string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(ReadFile(file)));
        }
        catch (YamlException e)
        {
            throw Invalid(file, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        var root = stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().FirstOrDefault(r => Scalar(r, "kind") == "Configuration")
            ?? throw Invalid(file, "no document of kind: Configuration");
        var spec = Mapping(root, "spec");
        if (spec is null || Child(spec, "nameResolution") is not { } node)
        {
            return new RuntimeConfiguration(null);
        }
        if (node is not YamlMappingNode resolution)
        {
            throw Invalid(file, "spec.nameResolution must be a map");
        }
        var component = Scalar(resolution, "component");
        if (string.IsNullOrWhiteSpace(component))
        {
            throw Invalid(file, "spec.nameResolution.component is required (sqlite, redis, postgresql or dns)");
        }
        var secret = Scalar(resolution, "sharedSecret");
        if (secret is null || secret.Length < MinSharedSecretLength)
        {
            throw Invalid(file, $"spec.nameResolution.sharedSecret is required: at least {MinSharedSecretLength} characters that every runtime of the deployment shares (runtime-to-runtime calls carry it)");
        }
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(resolution, "configuration") is { } configuration)
        {
            if (configuration is not YamlMappingNode map)
            {
                throw Invalid(file, "spec.nameResolution.configuration must be a map");
            }
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                items[name] = value is YamlScalarNode scalar ? scalar.Value ?? "" : throw Invalid(file, $"spec.nameResolution.configuration.{name} must be a plain value");
            }
        }
        var definition = new ComponentDefinition("nameResolution", "nameresolution." + component, Scalar(resolution, "version") ?? "v1", items, [], file);
        return new RuntimeConfiguration(new NameResolutionDefinition(definition, secret));
    }
}

/// <summary>A runtime configuration (Dapr <c>kind: Configuration</c>), the parts Cloud Runtimes uses.</summary>
/// <param name="NameResolution">The name resolution (<c>spec.nameResolution</c>); null when the file has none.</param>
public sealed record RuntimeConfiguration(NameResolutionDefinition? NameResolution);

/// <summary>The name resolution of a configuration.</summary>
/// <param name="Resolver">The resolver as a definition: type <c>nameresolution.{component}</c>, its <c>configuration</c> map as metadata, the file as source.</param>
/// <param name="SharedSecret">The secret runtime-to-runtime calls carry (<c>spec.nameResolution.sharedSecret</c>).</param>
public sealed record NameResolutionDefinition(ComponentDefinition Resolver, string SharedSecret);
