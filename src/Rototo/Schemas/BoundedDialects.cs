using Json.Schema;

namespace Rototo.Schemas;

/// <summary>
/// The dialects rototo compiles schemas with (Draft 6, 7, 2019-09, 2020-12): JsonSchema.Net's, with the keywords that
/// can cost without bound replaced by bounded ones (<see cref="BoundedKeywords"/>). A workspace and the contexts sent to
/// it are written by an attacker (docs/security.md), and schema evaluation is on the request path:
/// <list type="bullet">
/// <item>.NET's regular expressions backtrack: <c>^(a+)+$</c> against 40 <c>a</c>s and a <c>!</c> runs for hours, so
/// each match of <c>pattern</c> / <c>patternProperties</c> gives up after <see cref="MatchTimeout"/>;</item>
/// <item>references multiply: 22 definitions, each <c>allOf</c> two references to the previous, is 4 million
/// evaluations of a 3 KB schema for any value, so one check follows at most <see cref="MaxReferenceEvaluations"/>
/// references (<c>$ref</c>, <c>$dynamicRef</c>, <c>$recursiveRef</c>).</item>
/// </list>
/// Past a bound the value is refused with a <see cref="SchemaLimitException"/> naming where.
/// </summary>
internal static class BoundedDialects
{
    /// <summary>Longest one match of a schema's regular expression may run: 100 ms.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Most references one check of one value may follow: 100,000 (about half a second of evaluation).</summary>
    public const int MaxReferenceEvaluations = 100_000;

    /// <summary>Draft 6, bounded; under its official id so that a <c>$schema</c> naming it finds it in <see cref="Registry"/>.</summary>
    public static readonly Dialect Draft06 = Bounded(Dialect.Draft06, new BoundedKeywords.Ref());

    /// <summary>Draft 7, bounded (see <see cref="Draft06"/>).</summary>
    public static readonly Dialect Draft07 = Bounded(Dialect.Draft07, new BoundedKeywords.Ref());

    /// <summary>Draft 2019-09, bounded (see <see cref="Draft06"/>).</summary>
    public static readonly Dialect Draft201909 = Bounded(Dialect.Draft201909, new BoundedKeywords.Ref(), new BoundedKeywords.RecursiveRef());

    /// <summary>Draft 2020-12, bounded (see <see cref="Draft06"/>).</summary>
    public static readonly Dialect Draft202012 = Bounded(Dialect.Draft202012, new BoundedKeywords.Ref(), new BoundedKeywords.DynamicRef());

    /// <summary>A registry of the four bounded dialects; schemas are built with it, so no official dialect is used.</summary>
    public static DialectRegistry Registry { get; } = CreateRegistry();

    private static Dialect Bounded(Dialect official, params IKeywordHandler[] references) =>
        official.With([new BoundedKeywords.Pattern(), new BoundedKeywords.PatternProperties(), .. references], official.Id);

    private static DialectRegistry CreateRegistry()
    {
        var registry = new DialectRegistry();
        foreach (var dialect in new[] { Draft06, Draft07, Draft201909, Draft202012 })
        {
            registry.Register(dialect);
        }
        return registry;
    }
}
