using System.Text.Json;
using System.Text.RegularExpressions;
using Cel;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// A routing rule of a subscription (Dapr <c>routes.rules[{match, path}]</c>): a CEL expression over the CloudEvent,
/// bound as <c>event</c> (its attributes, and <c>event.data</c> as parsed JSON when the data is JSON), and the app path
/// that events matching it go to.
/// </summary>
internal sealed partial class RoutingRule
{
    private static readonly CelEnvironment Cel = CreateEnvironment();
    private readonly CelProgramDelegate _program;

    private RoutingRule(string match, string path, CelProgramDelegate program)
    {
        Match = match;
        Path = path;
        _program = program;
    }

    /// <summary>
    /// CEL with its two regular-expression functions replaced, since both run on published data and the library's
    /// backtrack without a time limit: <c>matches</c> gives up after <see cref="RegexLimits.MatchTimeout"/>, and
    /// <c>duration</c> checks its text with a non-backtracking expression before the library's parser (whose pattern,
    /// <c>([0-9]*(\.[0-9]*)?[a-z]+)+</c>, took 17 s on 26 characters that do not parse).
    /// </summary>
    private static CelEnvironment CreateEnvironment()
    {
        var cel = new CelEnvironment(null, null);
        cel.RegisterFunction("matches", [typeof(string), typeof(string)],
            args => Regex.IsMatch((string)args[0]!, (string)args[1]!, RegexOptions.None, RegexLimits.MatchTimeout));
        cel.RegisterFunction("duration", [typeof(string)],
            args => DurationText().IsMatch((string)args[0]!)
                ? global::Cel.Helpers.DurationHelpers.ConvertDurationString((string)args[0]!)
                : throw new FormatException($"invalid duration: {args[0]}"));
        return cel;
    }

    [GeneratedRegex(@"^[-+]?([0-9]*(\.[0-9]*)?[a-zµ]+)+$", RegexOptions.NonBacktracking)]
    private static partial Regex DurationText();

    /// <summary>The CEL expression.</summary>
    public string Match { get; }

    /// <summary>The app path, with a leading <c>/</c>.</summary>
    public string Path { get; }

    /// <summary>Compiles a rule.</summary>
    /// <exception cref="CloudRuntimesException">The expression is not valid CEL (<c>ERR_MALFORMED_REQUEST</c>, naming it).</exception>
    public static RoutingRule Compile(string match, string path)
    {
        try
        {
            return new RoutingRule(match, path, Cel.Compile(match));
        }
        catch (CelException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"routing rule '{match}' is not a valid CEL expression: {e.Message}", e);
        }
    }

    /// <summary>
    /// True when the event matches; an expression that fails on this event (a missing field, a text that is not a
    /// duration, say) does not match, nor does one whose <c>matches</c> runs past <see cref="RegexLimits.MatchTimeout"/>.
    /// </summary>
    public bool Matches(IDictionary<string, object?> variables)
    {
        try
        {
            return _program(variables) is true;
        }
        catch (Exception e) when (e is CelException or RegexMatchTimeoutException or FormatException)
        {
            return false;
        }
    }
}

/// <summary>Chooses the app path of an event: the first routing rule that matches it, else the default route.</summary>
internal static class EventRouting
{
    /// <summary>
    /// The path for an event (its parsed envelope; null when the envelope is not JSON), or null when no rule matches and
    /// there is no default route (Dapr skips such an event).
    /// </summary>
    public static string? RouteFor(AppSubscription subscription, JsonElement? envelope)
    {
        if (subscription.Rules.Count == 0)
        {
            return subscription.Route;
        }
        var variables = new Dictionary<string, object?> { ["event"] = (envelope is { } root ? ValueOf(root) : null) as Dictionary<string, object?> ?? [] };
        return subscription.Rules.FirstOrDefault(rule => rule.Matches(variables))?.Path ?? subscription.Route;
    }

    /// <summary>A JSON value as CEL sees it: map, list, int (whole numbers), double, string, bool or null.</summary>
    private static object? ValueOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => ObjectOf(value),
        JsonValueKind.Array => value.EnumerateArray().Select(ValueOf).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>An object as a CEL map; a name given twice keeps its last value, as JSON parsers do (no exception).</summary>
    private static Dictionary<string, object?> ObjectOf(JsonElement value)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = ValueOf(property.Value);
        }
        return map;
    }
}
