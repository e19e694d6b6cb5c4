using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;
using Rototo.Json;

namespace Rototo.Schemas;

/// <summary>
/// The regular expressions of a schema (<c>pattern</c>, <c>patternProperties</c>) run with a match timeout. A workspace
/// and the contexts sent to it are written by an attacker (docs/security.md): .NET's backtracking engine takes
/// exponential time on patterns such as <c>^(a+)+$</c> against a crafted string, so without a bound one context could
/// hold a thread for hours. The expressions keep JsonSchema.Net's ECMAScript options; only the timeout is added.
/// </summary>
internal static class BoundedPatterns
{
    /// <summary>Longest one match of a schema's regular expression may run (100 ms); then the value is refused.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The dialects rototo compiles with (Draft 6, 7, 2019-09, 2020-12), each with the bounded <c>pattern</c> and
    /// <c>patternProperties</c> handlers, under their official ids so that a <c>$schema</c> naming one (in the
    /// document or a referenced one) finds the bounded dialect in <see cref="Registry"/>.
    /// </summary>
    public static readonly Dialect Draft06 = Bounded(Dialect.Draft06);

    /// <inheritdoc cref="Draft06"/>
    public static readonly Dialect Draft07 = Bounded(Dialect.Draft07);

    /// <inheritdoc cref="Draft06"/>
    public static readonly Dialect Draft201909 = Bounded(Dialect.Draft201909);

    /// <inheritdoc cref="Draft06"/>
    public static readonly Dialect Draft202012 = Bounded(Dialect.Draft202012);

    /// <summary>A registry holding the four bounded dialects; schemas are built with it so no official one is used.</summary>
    public static DialectRegistry Registry { get; } = CreateRegistry();

    private static Dialect Bounded(Dialect official) =>
        official.With([new BoundedPatternKeyword(), new BoundedPatternPropertiesKeyword()], official.Id);

    private static DialectRegistry CreateRegistry()
    {
        var registry = new DialectRegistry();
        foreach (var dialect in new[] { Draft06, Draft07, Draft201909, Draft202012 })
        {
            registry.Register(dialect);
        }
        return registry;
    }

    /// <summary>A copy of <paramref name="regex"/> (same pattern and options) that gives up after <see cref="MatchTimeout"/>.</summary>
    public static Regex WithTimeout(Regex regex) => new(regex.ToString(), regex.Options, MatchTimeout);

    /// <summary>Runs <paramref name="evaluate"/>, turning a regex timeout into a <see cref="PatternTimeoutException"/> that names where.</summary>
    public static KeywordEvaluation Guard(Func<KeywordEvaluation> evaluate, EvaluationContext context)
    {
        try
        {
            return evaluate();
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new PatternTimeoutException(e.Pattern, e.Input, context.InstanceLocation.ToString());
        }
    }

    private sealed class BoundedPatternKeyword : PatternKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            base.ValidateKeywordValue(value) is Regex regex ? WithTimeout(regex) : throw new JsonSchemaException("'pattern' is not a regular expression");

        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context) =>
            Guard(() => base.Evaluate(keyword, context), context);
    }

    private sealed class BoundedPatternPropertiesKeyword : PatternPropertiesKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            base.ValidateKeywordValue(value) is Dictionary<string, Regex> patterns
                ? patterns.ToDictionary(p => p.Key, p => WithTimeout(p.Value), StringComparer.Ordinal)
                : throw new JsonSchemaException("'patternProperties' is not a map of regular expressions");

        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context) =>
            Guard(() => base.Evaluate(keyword, context), context);
    }
}

/// <summary>A schema's regular expression ran past <see cref="BoundedPatterns.MatchTimeout"/> on a value.</summary>
internal sealed class PatternTimeoutException(string pattern, string input, string path)
    : Exception($"{Quote(input.Length <= 40 ? input : string.Concat(input.AsSpan(0, 40), "…"))} took longer than {BoundedPatterns.MatchTimeout.TotalMilliseconds:0} ms to match {Quote(pattern)}")
{
    /// <summary>Where in the value (a JSON Pointer, e.g. <c>/user/id</c>; for <c>patternProperties</c>, the object).</summary>
    public string Path { get; } = path;

    private static string Quote(string text)
    {
        var builder = new StringBuilder();
        SerdeJson.AppendString(builder, text);
        return builder.ToString();
    }
}
