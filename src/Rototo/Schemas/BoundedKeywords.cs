using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace Rototo.Schemas;

/// <summary>JsonSchema.Net's keyword handlers with the bounds of <see cref="BoundedDialects"/>; otherwise unchanged.</summary>
internal static class BoundedKeywords
{
    [ThreadStatic]
    private static int t_referencesLeft;

    [ThreadStatic]
    private static bool t_counting;

    /// <summary>
    /// Runs one evaluation on this thread with a fresh budget of <see cref="BoundedDialects.MaxReferenceEvaluations"/>
    /// references (evaluation is synchronous, so the budget is the thread's).
    /// </summary>
    /// <exception cref="SchemaLimitException">A bound was passed.</exception>
    public static EvaluationResults Evaluate(JsonSchema schema, JsonElement value, EvaluationOptions options)
    {
        t_referencesLeft = BoundedDialects.MaxReferenceEvaluations;
        t_counting = true;
        try
        {
            return schema.Evaluate(value, options);
        }
        finally
        {
            t_counting = false;
        }
    }

    private static void Follow(EvaluationContext context)
    {
        if (t_counting && --t_referencesLeft < 0)
        {
            throw new SchemaLimitException(
                $"checking this value follows more than {BoundedDialects.MaxReferenceEvaluations:N0} schema references",
                context.InstanceLocation.ToString());
        }
    }

    private static Regex WithTimeout(Regex regex) => new(regex.ToString(), regex.Options, BoundedDialects.MatchTimeout);

    private static KeywordEvaluation Matching(Func<KeywordEvaluation> evaluate, EvaluationContext context)
    {
        try
        {
            return evaluate();
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new SchemaLimitException(
                $"{SchemaLimitException.Quote(e.Input, 40)} took longer than {BoundedDialects.MatchTimeout.TotalMilliseconds:0} ms to match {SchemaLimitException.Quote(e.Pattern, int.MaxValue)}",
                context.InstanceLocation.ToString());
        }
    }

    /// <summary><c>pattern</c> with a match timeout.</summary>
    internal sealed class Pattern : PatternKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            base.ValidateKeywordValue(value) is Regex regex ? WithTimeout(regex) : throw new JsonSchemaException("'pattern' is not a regular expression");

        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context) => Matching(() => base.Evaluate(keyword, context), context);
    }

    /// <summary><c>patternProperties</c> with a match timeout.</summary>
    internal sealed class PatternProperties : PatternPropertiesKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            base.ValidateKeywordValue(value) is Dictionary<string, Regex> patterns
                ? patterns.ToDictionary(p => p.Key, p => WithTimeout(p.Value), StringComparer.Ordinal)
                : throw new JsonSchemaException("'patternProperties' is not a map of regular expressions");

        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context) => Matching(() => base.Evaluate(keyword, context), context);
    }

    /// <summary><c>$ref</c>, counted.</summary>
    internal sealed class Ref : RefKeyword
    {
        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            Follow(context);
            return base.Evaluate(keyword, context);
        }
    }

    /// <summary>Draft 2020-12's <c>$dynamicRef</c>, counted.</summary>
    internal sealed class DynamicRef : global::Json.Schema.Keywords.Draft202012.DynamicRefKeyword
    {
        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            Follow(context);
            return base.Evaluate(keyword, context);
        }
    }

    /// <summary>Draft 2019-09's <c>$recursiveRef</c>, counted.</summary>
    internal sealed class RecursiveRef : global::Json.Schema.Keywords.Draft201909.RecursiveRefKeyword
    {
        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            Follow(context);
            return base.Evaluate(keyword, context);
        }
    }
}
