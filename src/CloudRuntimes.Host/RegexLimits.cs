namespace CloudRuntimes.Host;

/// <summary>
/// The match timeout of the regular expressions the server runs on request data: CEL's <c>matches()</c> in subscription
/// routing rules, which run on published events. .NET's engine backtracks, so the rule
/// <c>event.data.name.matches('^(a+)+$')</c> against 40 <c>a</c>s and a <c>!</c> would hold its subscription for hours.
/// (A process-wide default through <c>REGEX_DEFAULT_MATCH_TIMEOUT</c> does not hold in the native build: JsonSchema.Net
/// builds regular expressions in its module initializer, before <c>Main</c>, which fixes the default.) Rototo's schema
/// expressions have the same bound of their own (docs/security.md).
/// </summary>
internal static class RegexLimits
{
    /// <summary>Longest one match may run: 100 ms; then it throws <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/>.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
}
