using System.Text.Json;
using Rototo.Json;

namespace Rototo.Runtime;

/// <summary>
/// Evaluates qualifiers and variables over a context (§4, §5). One resolution <em>state</em> is a span of
/// per-qualifier flags (unvisited, resolving, true, false) owned by the caller, so the untraced path does
/// not allocate.
/// </summary>
internal static class Evaluator
{
    public const byte Unvisited = 0;
    private const byte Resolving = 1;
    private const byte True = 2;
    private const byte False = 3;

    private static readonly ContextValue TrueValue = ContextValue.Of(JsonDocument.Parse("true").RootElement.Clone());
    private static readonly ContextValue FalseValue = ContextValue.Of(JsonDocument.Parse("false").RootElement.Clone());

    /// <summary>Rules in order, first match wins, else the default (§5).</summary>
    /// <param name="model">The runtime model.</param>
    /// <param name="variable">The variable.</param>
    /// <param name="context">The context object.</param>
    /// <param name="values">The context's attribute values by slot (<see cref="RuntimeModel.IndexContext"/>), or null to look paths up.</param>
    /// <param name="states">One state per qualifier, all <see cref="Unvisited"/>.</param>
    /// <param name="trace">Collects the trace; null on the untraced path.</param>
    public static VariableResolution ResolveVariable(RuntimeModel model, RuntimeVariable variable, JsonElement context, ContextValue[]? values, Span<byte> states, TraceSink? trace)
    {
        foreach (var rule in variable.Rules)
        {
            var matched = ResolveQualifier(model, rule.Qualifier, context, values, states, trace);
            trace?.Rules.Add(new RuleTrace(rule.Index, rule.QualifierId, rule.Resolution.ValueKey, matched));
            if (matched)
            {
                return rule.Resolution;
            }
        }
        return variable.Default;
    }

    /// <summary>A qualifier's value: all its predicates match (§4). See <see cref="ResolveVariable"/> for the parameters.</summary>
    public static bool ResolveQualifier(RuntimeModel model, int index, JsonElement context, ContextValue[]? values, Span<byte> states, TraceSink? trace)
    {
        switch (states[index])
        {
            case True:
                return true;
            case False:
                return false;
            case Resolving:
                throw new RototoException(RototoErrorCode.Resolution, $"qualifier cycle detected at qualifier://{model.Qualifiers[index].Id}");
        }
        states[index] = Resolving;
        var qualifier = model.Qualifiers[index];

        // Every context attribute must be present before any predicate runs (§4.2), even one after a false predicate.
        // Without an index, the values found for the first readers are kept for the predicates, so their paths are looked up
        // once; the last element of FoundValues is scratch space for readers past those, which are looked up again below.
        var found = default(FoundValues);
        var readers = qualifier.ContextReaders;
        for (var r = 0; r < readers.Length; r++)
        {
            var present = values is null ? TryGetPath(context, readers[r].Path!, out found[Math.Min(r, FoundValues.Length - 1)]) : values[readers[r].Slot].Kind != JsonValueKind.Undefined;
            if (!present)
            {
                throw new RototoException(RototoErrorCode.Resolution, $"missing resolve context attribute: {readers[r].Attribute} required by qualifier://{qualifier.Id}");
            }
        }

        var predicates = trace is null ? null : new List<PredicateTrace>(qualifier.Predicates.Length);
        var result = true;
        var nextReader = 0;
        foreach (var predicate in qualifier.Predicates)
        {
            ContextValue actual;
            if (predicate.Reference >= 0)
            {
                actual = ResolveQualifier(model, predicate.Reference, context, values, states, trace) ? TrueValue : FalseValue;
            }
            else if (values is not null)
            {
                actual = values[predicate.Slot];
            }
            else if (nextReader < FoundValues.Length - 1)
            {
                actual = ContextValue.Of(found[nextReader++]);
            }
            else
            {
                TryGetPath(context, predicate.Path!, out var element);
                actual = ContextValue.Of(element);
            }
            var matched = Apply(predicate, actual, out var bucket);
            predicates?.Add(new PredicateTrace(predicate, actual.Element, matched, predicate.Operator == PredicateOperator.Bucket ? bucket : null));
            if (!matched)
            {
                result = false;
                break;
            }
        }

        states[index] = result ? True : False;
        if (trace is not null)
        {
            trace.Qualifiers[index] = new QualifierTrace(qualifier.Id, result, predicates!);
        }
        return result;
    }

    /// <summary>Context values found for a qualifier's first predicates, kept on the stack.</summary>
    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct FoundValues
    {
        public const int Length = 8;
        private JsonElement _first;
    }

    /// <summary>Follows a dotted path through objects only (§4.1); a present null is found.</summary>
    public static bool TryGetPath(JsonElement context, byte[][] path, out JsonElement value)
    {
        value = context;
        foreach (var segment in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="predicate"/> holds for <paramref name="actual"/> (§4.3); <paramref name="bucket"/> is the bucket of a bucket predicate.</summary>
    internal static bool Apply(RuntimePredicate predicate, JsonElement actual, out int bucket) => Apply(predicate, ContextValue.Of(actual), out bucket);

    /// <summary>As <see cref="Apply(RuntimePredicate, JsonElement, out int)"/>, for a context value (indexed or looked up).</summary>
    private static bool Apply(RuntimePredicate predicate, in ContextValue actual, out int bucket)
    {
        bucket = 0;
        switch (predicate.Operator)
        {
            case PredicateOperator.Eq:
                return predicate.Operand!.EqualTo(actual);
            case PredicateOperator.Neq:
                return !predicate.Operand!.EqualTo(actual);
            case PredicateOperator.In:
                return Contains(predicate.Members, actual);
            case PredicateOperator.NotIn:
                return !Contains(predicate.Members, actual);
            case PredicateOperator.Bucket:
                bucket = Bucket.Of(predicate.SaltState, actual);
                return predicate.Start <= bucket && bucket < predicate.End;
            default:
                if (actual.Kind != JsonValueKind.Number ||
                    JsonNumber.CompareExact(JsonNumber.Read(actual.Element), predicate.Operand!.Number) is not { } order)
                {
                    return false;
                }
                return predicate.Operator switch
                {
                    PredicateOperator.Gt => order > 0,
                    PredicateOperator.Gte => order >= 0,
                    PredicateOperator.Lt => order < 0,
                    _ => order <= 0,
                };
        }
    }

    private static bool Contains(Operand[] members, in ContextValue actual)
    {
        foreach (var member in members)
        {
            if (member.EqualTo(actual))
            {
                return true;
            }
        }
        return false;
    }
}
