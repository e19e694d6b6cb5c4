using Rototo.Text;

namespace Rototo.Cli.Output;

/// <summary>
/// A failure the command line explains beyond its message: where in the user's text it is (<see cref="Location"/>) and
/// notes printed under it (a snippet with a caret, a "did you mean" tip). Exit code 1, as every runtime error (§15).
/// </summary>
internal sealed class CliError(string message, string? location = null, IReadOnlyList<string>? notes = null) : Exception(message)
{
    /// <summary>Where the problem is, printed as <c>  --> {location}</c>; null when it has no place.</summary>
    public string? Location { get; } = location;

    /// <summary>Lines printed under the message and location.</summary>
    public IReadOnlyList<string> Notes { get; } = notes ?? [];

    /// <summary>
    /// <c>{kind} not found: {kind}://{id}</c> (rototo's message; <c>linter not found: {id}</c> for linters), with a tip
    /// naming the closest known id when one is close enough to be a typo.
    /// </summary>
    public static CliError NotFound(string kind, string id, IEnumerable<string> known)
    {
        var message = kind switch
        {
            "linter" => $"linter not found: {id}",
            "diagnostic" => $"diagnostic not found: {id}",
            "lint authority" => $"lint authority not found: {id}",
            "docs page" => $"docs page not found: {id}",
            _ => $"{kind} not found: {kind}://{id}",
        };
        return Suggestions.Closest(id, known) is { } suggestion
            ? new CliError(message, notes: [$"  tip: did you mean '{suggestion}'?"])
            : new CliError(message);
    }
}
