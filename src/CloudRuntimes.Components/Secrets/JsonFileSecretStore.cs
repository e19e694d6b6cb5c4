using System.Text.Json;
using CloudRuntimes.Secrets;

namespace CloudRuntimes.Components.Secrets;

/// <summary>
/// <c>secretstores.local.file</c>: secrets read once from a JSON file (Dapr's local file store). Nested objects
/// are flattened with <c>nestedSeparator</c> (default <c>:</c>): <c>{"db":{"password":"x"}}</c> gives the secret
/// <c>db:password</c>. Arrays flatten by index. Scalars keep their JSON text (<c>true</c>, <c>42</c>); strings
/// their value. With <c>multiValued</c>, each top-level key is one secret holding its flattened members.
/// </summary>
public sealed class JsonFileSecretStore : ISecretStore
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _secrets;

    /// <summary>Reads the file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="nestedSeparator">Separator of nested key paths.</param>
    /// <param name="multiValued">Group secrets by top-level key.</param>
    /// <param name="componentName">Component name, for messages.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> naming the file when it is missing or not a JSON object.</exception>
    public JsonFileSecretStore(string path, string nestedSeparator, bool multiValued, string componentName)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{componentName}' (secretstores.local.file): cannot read secrets file {path}: {e.Message}", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{componentName}' (secretstores.local.file): secrets file {path} must hold a JSON object");
        }
        _secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (multiValued)
        {
            foreach (var top in root.EnumerateObject())
            {
                var members = new Dictionary<string, string>(StringComparer.Ordinal);
                Flatten(top.Value, top.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? null : top.Name, nestedSeparator, members);
                _secrets[top.Name] = members;
            }
        }
        else
        {
            var flat = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(root, null, nestedSeparator, flat);
            foreach (var (name, value) in flat)
            {
                _secrets[name] = new Dictionary<string, string> { [name] = value };
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string name, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(_secrets.GetValueOrDefault(name));

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(_secrets);

    private static void Flatten(JsonElement element, string? path, string separator, Dictionary<string, string> into)
    {
        string Child(string name) => path is null ? name : path + separator + name;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, Child(property.Name), separator, into);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, Child((index++).ToString(System.Globalization.CultureInfo.InvariantCulture)), separator, into);
                }
                break;
            case JsonValueKind.String:
                into[path ?? ""] = element.GetString()!;
                break;
            default:
                into[path ?? ""] = element.GetRawText();
                break;
        }
    }
}
