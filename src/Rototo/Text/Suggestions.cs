namespace Rototo.Text;

/// <summary>"Did you mean" hints: the known name closest to a mistyped one, for error messages of the command lines.</summary>
public static class Suggestions
{
    /// <summary>
    /// The candidate nearest to <paramref name="given"/> by Levenshtein distance (ties: the first in order), when it is
    /// near enough to be a typo: at most a third of the longer name's length apart, and at least one edit in two, or
    /// when one name starts with the other.
    /// </summary>
    /// <param name="given">What the user typed, e.g. <c>checkout-baner</c> or <c>--app-prot</c>.</param>
    /// <param name="candidates">The names that exist.</param>
    /// <returns>The suggestion, or null when nothing is close.</returns>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (candidate.Length == 0 || candidate == given)
            {
                continue;
            }
            var distance = Quickenshtein.Levenshtein.GetDistance(given, candidate);
            var limit = Math.Max(2, Math.Max(given.Length, candidate.Length) / 3);
            var prefix = given.Length >= 3 && candidate.StartsWith(given, StringComparison.Ordinal);
            if ((distance <= limit || prefix) && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }
}
