using System.Collections.Concurrent;
using System.Text;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// The app-set attributes of the metadata API (<c>PUT /v1.0/metadata/{key}</c>, listed under <c>extended</c>), held by
/// the server for its lifetime within <see cref="RuntimeLimits"/>' count, key and value bounds.
/// </summary>
internal sealed class ExtendedMetadata(RuntimeOptions options)
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly System.Threading.Lock _writing = new();

    /// <summary>The attributes, ordered by key.</summary>
    public IEnumerable<KeyValuePair<string, string>> All => _values.OrderBy(e => e.Key, StringComparer.Ordinal);

    /// <summary>Sets an attribute to a UTF-8 value.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for a key too long or one entry too many;
    /// <see cref="CloudRuntimesErrors.PayloadTooLarge"/> for a value too large. Nothing is stored then.</exception>
    public void Set(string key, ReadOnlySpan<byte> value)
    {
        var limits = options.Limits;
        if (key.Length > limits.MaxMetadataKeyLength)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"metadata key is {key.Length} characters long, over the limit of {limits.MaxMetadataKeyLength}");
        }
        if (value.Length > limits.MaxMetadataValueBytes)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.PayloadTooLarge, $"metadata {key}: the value is over the limit of {limits.MaxMetadataValueBytes} bytes");
        }
        lock (_writing)
        {
            if (!_values.ContainsKey(key) && _values.Count >= limits.MaxMetadataEntries)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"metadata {key}: the server already holds {limits.MaxMetadataEntries} metadata entries, its limit");
            }
            _values[key] = Encoding.UTF8.GetString(value);
        }
    }
}
