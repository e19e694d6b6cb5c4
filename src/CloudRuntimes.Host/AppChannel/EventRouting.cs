using System.Text.Json;
using Cel;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// A routing rule of a subscription (Dapr <c>routes.rules[{match, path}]</c>): a CEL expression over the CloudEvent,
/// bound as <c>event</c> (its attributes, and <c>event.data</c> as parsed JSON when the data is JSON), and the app path
/// that events matching it go to.
/// </summary>
internal sealed class RoutingRule
{
    private static readonly CelEnvironment Cel = new(null, null);
    private readonly CelProgramDelegate _program;

    private RoutingRule(string match, string path, CelProgramDelegate program)
    {
        Match = match;
        Path = path;
        _program = program;
    }

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
    /// True when the event matches; an expression that fails on this event (a missing field, say) does not match, nor
    /// does one whose regular expression (<c>matches</c>, <c>duration</c>) runs past the process's match timeout on the
    /// event's data (<see cref="RegexLimits"/>).
    /// </summary>
    public bool Matches(IDictionary<string, object?> variables)
    {
        try
        {
            return _program(variables) is true;
        }
        catch (Exception e) when (e is CelException or System.Text.RegularExpressions.RegexMatchTimeoutException)
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
