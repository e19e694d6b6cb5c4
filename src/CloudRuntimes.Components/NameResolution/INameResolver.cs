namespace CloudRuntimes.Components.NameResolution;

/// <summary>
/// A name resolver (Dapr <c>spec.nameResolution</c> of a <c>kind: Configuration</c> file): where the runtimes of an app id
/// listen. A runtime with an app registers itself and renews that every <see cref="UpdateInterval"/>; a registration not
/// renewed for twice that is no longer resolved, so a killed runtime drops out on its own.
/// </summary>
public interface INameResolver : IAsyncDisposable
{
    /// <summary>How often a runtime renews its registration (<c>updateInterval</c>, default <see cref="NameResolverSettings.DefaultUpdateInterval"/>).</summary>
    TimeSpan UpdateInterval { get; }

    /// <summary>Registers (or renews) a runtime: its address serves its app id.</summary>
    /// <param name="registration">The runtime's registration.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when written.</returns>
    /// <exception cref="Exception">The back end failed (the caller logs it and tries again at the next renewal).</exception>
    Task RegisterAsync(NameRegistration registration, CancellationToken cancellationToken);

    /// <summary>Removes a runtime's registration (it is stopping).</summary>
    /// <param name="registration">The registration given to <see cref="RegisterAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when removed.</returns>
    Task UnregisterAsync(NameRegistration registration, CancellationToken cancellationToken);

    /// <summary>The addresses of the live runtimes of an app id, in a stable order (ordinal); empty when there is none.</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runtimes' API base addresses.</returns>
    Task<IReadOnlyList<Uri>> ResolveAsync(string appId, CancellationToken cancellationToken);
}

/// <summary>A runtime's registration with a name resolver.</summary>
/// <param name="Id">Unique per runtime process.</param>
/// <param name="AppId">The app id it serves.</param>
/// <param name="Address">Its API base address (<c>http://host:port/</c>).</param>
public sealed record NameRegistration(string Id, string AppId, Uri Address);

/// <summary>Settings every name resolver reads.</summary>
public static class NameResolverSettings
{
    /// <summary>The renewal interval when none is given: 5 seconds (Dapr's sqlite resolver default).</summary>
    public static readonly TimeSpan DefaultUpdateInterval = TimeSpan.FromSeconds(5);

    /// <summary>The renewal interval of a resolver (<c>updateInterval</c>, a Go duration).</summary>
    /// <param name="definition">The resolver's definition.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: not a positive duration.</exception>
    public static TimeSpan UpdateInterval(ComponentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.GetDuration("updateInterval") ?? DefaultUpdateInterval;
    }

    /// <summary>How long a registration counts after its last renewal: twice <paramref name="updateInterval"/>.</summary>
    /// <param name="updateInterval">The renewal interval.</param>
    /// <returns>The lifetime of a registration.</returns>
    public static TimeSpan Lifetime(TimeSpan updateInterval) => updateInterval * 2;

    /// <summary>The http(s) addresses among stored ones, ordinal order, duplicates and anything else left out.</summary>
    /// <param name="stored">Addresses as a back end holds them.</param>
    /// <returns>The addresses.</returns>
    public static IReadOnlyList<Uri> Addresses(IEnumerable<string> stored) =>
        [.. stored.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(text => Uri.TryCreate(text, UriKind.Absolute, out var address) && address.Scheme is "http" or "https" ? address : null)
            .OfType<Uri>()];
}
