using System.Text.RegularExpressions;

namespace CloudRuntimes.Host;

/// <summary>
/// The match timeout of every regular expression the server's libraries build without one — CEL's <c>matches()</c> and
/// <c>duration()</c> in subscription routing rules run on published data, and .NET's engine backtracks: a rule
/// <c>event.data.name.matches('^(a+)+$')</c> against 40 <c>a</c>s and a <c>!</c> would hold its subscription for hours.
/// Rototo's schema expressions have their own, the same (docs/security.md).
/// </summary>
internal static class RegexLimits
{
    /// <summary>Longest one match may run: 100 ms; then it throws <see cref="RegexMatchTimeoutException"/>.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Sets the process-wide default (<c>REGEX_DEFAULT_MATCH_TIMEOUT</c>). .NET reads it once, when the first regular
    /// expression is built, so this runs first in <c>Main</c>.
    /// </summary>
    public static void ApplyToProcess() => AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", MatchTimeout);
}
