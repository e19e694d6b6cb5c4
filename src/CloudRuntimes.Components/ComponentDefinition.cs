namespace CloudRuntimes.Components;

/// <summary>
/// A component as a Dapr component file declares it (<c>apiVersion: dapr.io/v1alpha1</c>, <c>kind: Component</c>):
/// name, type such as <c>state.sqlite</c>, version, metadata (secret references already resolved) and scopes.
/// </summary>
/// <param name="Name">Component name (<c>metadata.name</c>).</param>
/// <param name="Type">Component type (<c>spec.type</c>).</param>
/// <param name="Version">Component version (<c>spec.version</c>, default <c>v1</c>).</param>
/// <param name="Metadata">Metadata items (<c>spec.metadata[].name</c> → value).</param>
/// <param name="Scopes">App ids allowed to use it; empty for all.</param>
/// <param name="SourceFile">The YAML file it came from, if any (for error messages).</param>
/// <param name="SecretReferences">Metadata items given as <c>secretKeyRef</c>, resolved into <see cref="Metadata"/> when the components are built.</param>
public sealed record ComponentDefinition(
    string Name,
    string Type,
    string Version,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    string? SourceFile = null,
    IReadOnlyDictionary<string, SecretKeyReference>? SecretReferences = null)
{
    /// <summary>Creates a definition in code (no file, no scopes).</summary>
    /// <param name="name">Component name.</param>
    /// <param name="type">Component type, e.g. <c>state.sqlite</c>.</param>
    /// <param name="metadata">Metadata items; null for none.</param>
    /// <returns>The definition.</returns>
    public static ComponentDefinition Create(string name, string type, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(name, type, "v1", metadata ?? new Dictionary<string, string>(), []);

    /// <summary>A metadata value, or null when absent.</summary>
    /// <param name="key">The metadata name (case-insensitive, as Dapr).</param>
    /// <returns>The value or null.</returns>
    public string? Get(string key) =>
        Metadata.TryGetValue(key, out var value) ? value : Metadata.FirstOrDefault(m => string.Equals(m.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The error of a bad definition: <see cref="CloudRuntimesErrors.ResourceInvalid"/>, the message prefixed with the source file (<c>FILE: message</c>) when there is one.</summary>
    /// <param name="message">What is wrong, naming the component and the metadata item.</param>
    /// <param name="innerException">The failure behind it, if any.</param>
    /// <returns>The exception to throw.</returns>
    public CloudRuntimesException Invalid(string message, Exception? innerException = null) =>
        Resources.ResourceLoader.Invalid(SourceFile, message, innerException);

    /// <summary>A required metadata value.</summary>
    /// <param name="key">The metadata name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the component and key when it is missing.</exception>
    public string Require(string key) =>
        Get(key) is { Length: > 0 } value
            ? value
            : throw Invalid($"component '{Name}' ({Type}) needs metadata '{key}'");

    /// <summary>An integer metadata value with a default.</summary>
    /// <param name="key">The metadata name.</param>
    /// <param name="defaultValue">Used when absent.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CloudRuntimesException">The value is not an integer.</exception>
    public int GetInt32(string key, int defaultValue) => Get(key) switch
    {
        null or "" => defaultValue,
        var text when int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) => value,
        var text => throw Invalid($"component '{Name}' metadata '{key}' must be an integer, got '{text}'"),
    };

    /// <summary>A boolean metadata value (<c>true</c>/<c>false</c>, any case) with a default.</summary>
    /// <param name="key">The metadata name.</param>
    /// <param name="defaultValue">Used when absent.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CloudRuntimesException">The value is not a boolean.</exception>
    public bool GetBoolean(string key, bool defaultValue) => Get(key) switch
    {
        null or "" => defaultValue,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw Invalid($"component '{Name}' metadata '{key}' must be true or false, got '{text}'"),
    };

    /// <summary>A duration metadata value in Go syntax (<c>30s</c>, <c>1m30s</c>, <c>250ms</c>), or null when absent.</summary>
    /// <param name="key">The metadata name.</param>
    /// <returns>The duration or null.</returns>
    /// <exception cref="CloudRuntimesException">The value is not a positive duration.</exception>
    public TimeSpan? GetDuration(string key)
    {
        var text = Get(key);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        try
        {
            return Jobs.JobSchedule.ParseDuration(text);
        }
        catch (FormatException e)
        {
            throw Invalid($"component '{Name}' metadata '{key}': {e.Message}", e);
        }
    }
}

/// <summary>A metadata value to read from a secret store (<c>secretKeyRef</c>).</summary>
/// <param name="Store">The secret store (<c>auth.secretStore</c>); null when the component names none.</param>
/// <param name="Name">The secret name.</param>
/// <param name="Key">The key within the secret.</param>
public sealed record SecretKeyReference(string? Store, string Name, string Key);
