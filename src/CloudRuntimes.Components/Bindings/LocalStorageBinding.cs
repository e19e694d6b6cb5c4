using System.Text.Json;
using CloudRuntimes.Bindings;
using CloudRuntimes.Components.Files;

namespace CloudRuntimes.Components.Bindings;

/// <summary>
/// <c>bindings.localstorage</c>: an output binding over a directory (metadata <c>rootPath</c>), with Dapr's
/// operations: <c>create</c> (metadata <c>fileName</c>; a new GUID name when absent; the response metadata
/// carries <c>fileName</c>), <c>get</c> (data of <c>fileName</c>; no data when it does not exist),
/// <c>list</c> (a JSON array of file names, metadata <c>prefix</c> optional) and <c>delete</c>.
/// Names are confined to the root exactly as in <see cref="LocalFileStore"/>.
/// </summary>
public sealed class LocalStorageBinding : IOutputBinding
{
    private const string FileNameKey = "fileName";
    private readonly LocalFileStore _files;
    private readonly string _componentName;

    /// <summary>Creates the binding.</summary>
    /// <param name="rootPath">The directory.</param>
    /// <param name="componentName">Component name.</param>
    public LocalStorageBinding(string rootPath, string componentName)
    {
        _files = new LocalFileStore(rootPath, componentName);
        _componentName = componentName;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Operations { get; } = ["create", "get", "list", "delete"];

    /// <inheritdoc />
    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = request.Metadata ?? new Dictionary<string, string>();
        switch (request.Operation)
        {
            case "create":
                var created = metadata.GetValueOrDefault(FileNameKey) is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
                await _files.PutAsync(created, new MemoryStream(request.Data.ToArray()), null, cancellationToken).ConfigureAwait(false);
                return new BindingResponse(null, new Dictionary<string, string> { [FileNameKey] = created });
            case "get":
                var name = RequireFileName(metadata);
                if (await _files.StatAsync(name, cancellationToken).ConfigureAwait(false) is null)
                {
                    return new BindingResponse(null, new Dictionary<string, string>());
                }
                await using (var stream = await _files.GetAsync(name, cancellationToken).ConfigureAwait(false))
                {
                    var buffer = new MemoryStream();
                    await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    return new BindingResponse(buffer.ToArray(), new Dictionary<string, string> { [FileNameKey] = name });
                }
            case "list":
                var entries = await _files.ListAsync(metadata.GetValueOrDefault("prefix") ?? "", cancellationToken).ConfigureAwait(false);
                return new BindingResponse(JsonSerializer.SerializeToUtf8Bytes(entries.Select(e => e.Name).ToArray(), ComponentsJson.Default.StringArray), new Dictionary<string, string>());
            case "delete":
                await _files.DeleteAsync(RequireFileName(metadata), cancellationToken).ConfigureAwait(false);
                return new BindingResponse(null, new Dictionary<string, string>());
            default:
                throw new CloudRuntimesException(CloudRuntimesErrors.NotSupported, $"localstorage binding {_componentName}: operation '{request.Operation}' is not supported; use one of {string.Join(", ", Operations)}");
        }
    }

    private string RequireFileName(IReadOnlyDictionary<string, string> metadata) =>
        metadata.GetValueOrDefault(FileNameKey) is { Length: > 0 } name
            ? name
            : throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"localstorage binding {_componentName}: metadata '{FileNameKey}' is required");
}
