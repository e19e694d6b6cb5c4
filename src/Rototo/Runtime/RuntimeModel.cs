using System.Text;
using System.Text.Json;
using Rototo.Schemas;

namespace Rototo.Runtime;

internal enum PredicateOperator
{
    Eq,
    Neq,
    In,
    NotIn,
    Gt,
    Gte,
    Lt,
    Lte,
    Bucket,
}

/// <summary>A compiled predicate: a context path or a qualifier reference, an operator and its operand.</summary>
internal sealed class RuntimePredicate
{
    public required int Index { get; init; }

    public required string Attribute { get; init; }

    public required PredicateOperator Operator { get; init; }

    public required string OperatorName { get; init; }

    /// <summary>UTF-8 path segments for context attributes; null for qualifier references.</summary>
    public byte[][]? Path { get; init; }

    /// <summary>Index of this predicate's attribute in <see cref="RuntimeModel.AttributePaths"/>; -1 for qualifier references.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Index of the referenced qualifier for <c>qualifier.&lt;id&gt;</c> attributes, else -1.</summary>
    public int Reference { get; init; } = -1;

    public string? ReferenceId { get; init; }

    public JsonElement Expected { get; init; }

    /// <summary>The operand of eq/neq/gt/gte/lt/lte, prepared for comparison; null for in/not_in and bucket.</summary>
    public Operand? Operand { get; init; }

    /// <summary>The members of an in/not_in list, prepared for comparison; empty for other operators.</summary>
    public Operand[] Members { get; init; } = [];

    public string Salt { get; init; } = "";

    public ulong SaltState { get; init; }

    public int Start { get; init; }

    public int End { get; init; }

    public static byte[][] EncodePath(string attribute) => [.. attribute.Split('.').Select(Encoding.UTF8.GetBytes)];
}

internal sealed class RuntimeQualifier
{
    public required string Id { get; init; }

    public required RuntimePredicate[] Predicates { get; init; }

    /// <summary>The context-reading predicates, checked for presence before any predicate is evaluated (§4.2).</summary>
    public required RuntimePredicate[] ContextReaders { get; init; }
}

internal sealed class RuntimeRule
{
    public required int Index { get; init; }

    public required int Qualifier { get; init; }

    public required string QualifierId { get; init; }

    public required VariableResolution Resolution { get; init; }
}

internal sealed class RuntimeVariable
{
    public required string Id { get; init; }

    public required RuntimeRule[] Rules { get; init; }

    public required VariableResolution Default { get; init; }
}

/// <summary>The immutable model that resolution runs on (§7): qualifiers in id order, variables by id.</summary>
internal sealed class RuntimeModel
{
    public required CompiledSchema? ContextSchema { get; init; }

    public required RuntimeQualifier[] Qualifiers { get; init; }

    public required Dictionary<string, int> QualifierIndex { get; init; }

    public required Dictionary<string, RuntimeVariable> Variables { get; init; }

    /// <summary>Variable ids in workspace order (byte order).</summary>
    public required string[] VariableIds { get; init; }

    /// <summary>Every distinct context attribute path the predicates read, indexed by <see cref="RuntimePredicate.Slot"/>.</summary>
    public required byte[][][] AttributePaths { get; init; }

    /// <summary>Whether resolving <paramref name="variable"/> can read the context: a rule's qualifier, or one it references, has a context-reading predicate.</summary>
    public bool ReadsContext(RuntimeVariable variable)
    {
        var visited = new bool[Qualifiers.Length];
        return variable.Rules.Any(rule => QualifierReadsContext(rule.Qualifier, visited));
    }

    /// <summary>A qualifier visited before (in this walk, or in a cycle, which resolution reports) adds nothing new.</summary>
    private bool QualifierReadsContext(int index, bool[] visited)
    {
        if (visited[index])
        {
            return false;
        }
        visited[index] = true;
        var qualifier = Qualifiers[index];
        return qualifier.ContextReaders.Length > 0 || qualifier.Predicates.Any(p => p.Reference >= 0 && QualifierReadsContext(p.Reference, visited));
    }

    /// <summary>
    /// The value of each attribute path in <paramref name="context"/>, by slot (<see cref="ContextValue.Indexed"/>); a
    /// missing attribute is left as <see cref="JsonValueKind.Undefined"/>, a present JSON null is kept.
    /// </summary>
    public ContextValue[] IndexContext(JsonElement context)
    {
        var values = new ContextValue[AttributePaths.Length];
        for (var slot = 0; slot < values.Length; slot++)
        {
            Evaluator.TryGetPath(context, AttributePaths[slot], out var value);
            values[slot] = ContextValue.Indexed(value);
        }
        return values;
    }
}
