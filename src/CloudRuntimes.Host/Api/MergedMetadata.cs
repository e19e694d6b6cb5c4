using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// An item's metadata over its request's, as one read-only map that copies neither: a key of the item hides the same key
/// of the request. Look-ups cost two at most; <see cref="Count"/> and enumeration walk both maps.
/// </summary>
internal sealed class MergedMetadata(IReadOnlyDictionary<string, string> request, IReadOnlyDictionary<string, string> item) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => item.TryGetValue(key, out var value) ? value : request[key];

    public IEnumerable<string> Keys => this.Select(entry => entry.Key);

    public IEnumerable<string> Values => this.Select(entry => entry.Value);

    public int Count => item.Count + request.Keys.Count(key => !item.ContainsKey(key));

    public bool ContainsKey(string key) => item.ContainsKey(key) || request.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) =>
        item.TryGetValue(key, out value) || request.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
        item.Concat(request.Where(entry => !item.ContainsKey(entry.Key))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
