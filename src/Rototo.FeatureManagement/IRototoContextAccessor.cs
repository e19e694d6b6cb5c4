namespace Rototo.FeatureManagement;

/// <summary>
/// Gives the context a feature is evaluated with when the caller passes none (<c>IsEnabledAsync("x")</c>). Register
/// your own implementation to build it from whatever the application knows; the default is
/// <see cref="FixedRototoContextAccessor"/>, and <c>Rototo.FeatureManagement.AspNetCore</c> builds it from the request.
/// </summary>
public interface IRototoContextAccessor
{
    /// <summary>
    /// The context of the current evaluation. Called once per evaluation of a feature that reads the context (not for a
    /// flag whose variable reads none): cache it per request where it is costly, and return a completed task where you
    /// can, so the evaluation completes synchronously.
    /// </summary>
    /// <returns>The context.</returns>
    ValueTask<ResolveContext> GetContextAsync();
}

/// <summary>Evaluates every feature with the fixed <see cref="RototoFeatureOptions.Context"/>.</summary>
/// <param name="options">The options.</param>
public sealed class FixedRototoContextAccessor(RototoFeatureOptions options) : IRototoContextAccessor
{
    private readonly ResolveContext _context = ResolveContext.From(options?.Context ?? throw new ArgumentNullException(nameof(options)));

    /// <inheritdoc />
    public ValueTask<ResolveContext> GetContextAsync() => ValueTask.FromResult(_context);
}
