using System.Collections;
using CloudRuntimes.Secrets;

namespace CloudRuntimes.Components.Secrets;

/// <summary>
/// <c>secretstores.local.env</c>: secrets are the process's environment variables (Dapr's local env store). With
/// metadata <c>prefix</c>, only variables starting with it are visible, and the prefix is not part of the secret
/// name. A secret is the map <c>{name: value}</c>. The runtime's own tokens (<c>DAPR_API_TOKEN</c>, <c>APP_API_TOKEN</c>)
/// are never handed out, whatever the prefix.
/// </summary>
public sealed class EnvironmentSecretStore : ISecretStore
{
    private static readonly HashSet<string> RuntimeTokens = new(StringComparer.OrdinalIgnoreCase) { "DAPR_API_TOKEN", "APP_API_TOKEN" };
    private readonly string _prefix;

    /// <summary>Creates the store.</summary>
    /// <param name="prefix">Variable name prefix; empty for all variables.</param>
    public EnvironmentSecretStore(string? prefix = null)
    {
        _prefix = prefix ?? "";
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string name, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var value = RuntimeTokens.Contains(_prefix + name) ? null : Environment.GetEnvironmentVariable(_prefix + name);
        return Task.FromResult<IReadOnlyDictionary<string, string>?>(value is null ? null : new Dictionary<string, string> { [name] = value });
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var key = (string)variable.Key;
            if (key.StartsWith(_prefix, StringComparison.Ordinal) && key.Length > _prefix.Length && !RuntimeTokens.Contains(key))
            {
                var name = key[_prefix.Length..];
                result[name] = new Dictionary<string, string> { [name] = (string?)variable.Value ?? "" };
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(result);
    }
}
