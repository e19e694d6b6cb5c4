using Rototo.Discovery;
using Rototo.Json;
using Rototo.Model;
using Rototo.Runtime;
using Rototo.Toml;

namespace Rototo.Lint.Checks;

/// <summary>Graph-stage rules (§9.4, §9.6): cycles, reachability, shadowed rules, unused values, duplicate predicates.</summary>
internal static class GraphChecks
{
    public static void Run(LintContext context)
    {
        var qualifiers = context.Parsed(DocumentKind.Qualifier).Select(d => new QualifierView(d)).ToDictionary(q => q.Id, StringComparer.Ordinal);
        var variables = context.Parsed(DocumentKind.Variable).Select(d => new VariableView(d)).ToList();
        var edges = qualifiers.Values.ToDictionary(
            q => q.Id,
            q => q.Predicates.Where(p => p.ReferencedQualifier is { } t && qualifiers.ContainsKey(t)).ToList(),
            StringComparer.Ordinal);

        Cycles(context, qualifiers, edges);
        Depth(context, qualifiers, edges);
        Reachability(context, qualifiers, variables, edges);
        Rules(context, variables);
        DuplicatePredicates(context, qualifiers.Values);
    }

    private static void Cycles(LintContext context, Dictionary<string, QualifierView> qualifiers, Dictionary<string, List<PredicateView>> edges)
    {
        var components = StronglyConnected(qualifiers.Keys.Order(Utf8Order.Instance).ToList(), id => edges[id].Select(p => p.ReferencedQualifier!));
        foreach (var component in components)
        {
            var members = component.ToHashSet(StringComparer.Ordinal);
            foreach (var id in component.Order(Utf8Order.Instance))
            {
                var own = edges[id].Where(p => members.Contains(p.ReferencedQualifier!)).ToList();
                if (own.Count == 0 || (component.Count == 1 && own.All(p => p.ReferencedQualifier != id)))
                {
                    continue;
                }
                var message = component.Count == 1
                    ? $"qualifier references itself: {id}"
                    : $"qualifier participates in a reference cycle with: {string.Join(", ", component.Order(Utf8Order.Instance))}";
                var related = component.Where(other => other != id)
                    .Order(Utf8Order.Instance)
                    .SelectMany(other => edges[other].Where(p => members.Contains(p.ReferencedQualifier!))
                        .Select(p => new RelatedInformation(LintContext.At(qualifiers[other].Document, p.AttributeNode), $"cycle reference: {other} -> {p.ReferencedQualifier}")))
                    .ToArray();
                context.Report("qualifier-cycle", DiagnosticEntity.Qualifier(id), message, qualifiers[id].Document, own[0].AttributeNode!.Span, related);
            }
        }
    }

    /// <summary>A chain of references longer than resolution allows (<see cref="ReferenceDepth"/>), reported at the qualifier it starts from.</summary>
    private static void Depth(LintContext context, Dictionary<string, QualifierView> qualifiers, Dictionary<string, List<PredicateView>> edges)
    {
        var ids = qualifiers.Keys.Order(Utf8Order.Instance).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            index[ids[i]] = i;
        }
        var successors = ids.Select(id => edges[id].Select(p => index[p.ReferencedQualifier!]).ToArray()).ToArray();
        if (ReferenceDepth.FirstTooDeep(ids.Length, i => successors[i]) is >= 0 and var deep)
        {
            var id = ids[deep];
            context.Report("qualifier-reference-depth", DiagnosticEntity.Qualifier(id), ReferenceDepth.TooDeep(id), qualifiers[id].Document, edges[id][0].AttributeNode!.Span);
        }
    }

    private static void Reachability(LintContext context, Dictionary<string, QualifierView> qualifiers, List<VariableView> variables, Dictionary<string, List<PredicateView>> edges)
    {
        var roots = variables.SelectMany(v => v.Rules).Select(r => r.Qualifier).Where(q => q is not null && qualifiers.ContainsKey(q)).Cast<string>().ToHashSet(StringComparer.Ordinal);
        var referencedByOthers = edges.SelectMany(e => e.Value.Where(p => p.ReferencedQualifier != e.Key).Select(p => p.ReferencedQualifier!)).ToHashSet(StringComparer.Ordinal);
        var reachable = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (reachable.Add(id))
            {
                foreach (var edge in edges[id])
                {
                    pending.Push(edge.ReferencedQualifier!);
                }
            }
        }

        foreach (var qualifier in qualifiers.Values)
        {
            var selfReferencing = edges[qualifier.Id].Any(p => p.ReferencedQualifier == qualifier.Id);
            if (!roots.Contains(qualifier.Id) && !referencedByOthers.Contains(qualifier.Id))
            {
                if (!selfReferencing)
                {
                    context.Report("qualifier-unreferenced", DiagnosticEntity.Qualifier(qualifier.Id), $"qualifier is not referenced: {qualifier.Id}", qualifier.Document, null);
                }
            }
            else if (!reachable.Contains(qualifier.Id) && !context.HasErrorForQualifier(qualifier.Id))
            {
                context.Report("qualifier-unreachable", DiagnosticEntity.Qualifier(qualifier.Id), $"qualifier cannot affect resolution: {qualifier.Id}", qualifier.Document, null);
            }
        }
    }

    private static void Rules(LintContext context, List<VariableView> variables)
    {
        foreach (var variable in variables)
        {
            var document = variable.Document;
            var firstByQualifier = new Dictionary<string, RuleView>(StringComparer.Ordinal);
            foreach (var rule in variable.Rules)
            {
                if (rule.Qualifier is not { } qualifier)
                {
                    continue;
                }
                var entity = DiagnosticEntity.Rule(variable.Id, rule.Index);
                if (firstByQualifier.TryGetValue(qualifier, out var first))
                {
                    context.Report("variable-rule-shadowed", entity, $"rule is shadowed by an earlier rule with qualifier: {qualifier}", document, rule.QualifierNode!.Span,
                        new RelatedInformation(LintContext.At(document, first.QualifierNode), $"first rule using qualifier: {qualifier}"));
                }
                else
                {
                    firstByQualifier[qualifier] = rule;
                }
            }
            foreach (var rule in variable.Rules)
            {
                if (rule.Value is { } value && value == variable.Default)
                {
                    context.Report("variable-rule-selects-default-value", DiagnosticEntity.Rule(variable.Id, rule.Index), $"rule selects the same value as the resolve default: {value}", document, rule.ValueNode!.Span,
                        new RelatedInformation(LintContext.At(document, variable.DefaultNode), $"resolve default value: {value}"));
                }
            }
            // Inline values of a resource-backed variable (themselves disallowed) are reported like any other (§9.4).
            var used = variable.Rules.Select(r => r.Value).Append(variable.Default).Where(v => v is not null).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in variable.Values?.Entries ?? [])
            {
                if (!used.Contains(entry.Key))
                {
                    context.Report("variable-value-unused", DiagnosticEntity.Value(variable.Id, entry.Key), $"variable value is not referenced: {entry.Key}", document, entry.Value.Span);
                }
            }
        }
    }

    private static void DuplicatePredicates(LintContext context, IEnumerable<QualifierView> qualifiers)
    {
        foreach (var qualifier in qualifiers)
        {
            var seen = new Dictionary<string, PredicateView>(StringComparer.Ordinal);
            foreach (var predicate in qualifier.Predicates)
            {
                if (DuplicateKey(predicate) is not { } key)
                {
                    continue;
                }
                if (seen.TryGetValue(key, out var first))
                {
                    context.Report("qualifier-predicate-duplicate", DiagnosticEntity.Predicate(qualifier.Id, predicate.Index), $"predicate duplicates an earlier predicate: {predicate.Index + 1}", qualifier.Document, predicate.Node.Span,
                        new RelatedInformation(LintContext.At(qualifier.Document, first.Node), $"first matching predicate: {first.Index + 1}"));
                }
                else
                {
                    seen[key] = predicate;
                }
            }
        }
    }

    /// <summary>§9.6: <c>attribute|op</c> plus salt and range (Rust Debug of the optional ints) or the compact JSON value.</summary>
    private static string? DuplicateKey(PredicateView predicate)
    {
        if (predicate.Attribute is not { } attribute || predicate.Op is not { } op)
        {
            return null;
        }
        if (op == "bucket")
        {
            if (predicate.Salt is not TomlScalarNode { Kind: TomlScalarKind.String, Text: { } salt } || predicate.Range is not TomlArrayNode range)
            {
                return null;
            }
            return $"{attribute}|{op}|salt={salt}|range={Debug(range, 0)}:{Debug(range, 1)}";
        }
        var value = predicate.Value is { } v ? SerdeJson.Compact(v.ToJson()) : "null";
        return $"{attribute}|{op}|{value}";
    }

    private static string Debug(TomlArrayNode range, int index) =>
        index < range.Items.Count && range.Items[index] is TomlScalarNode { Kind: TomlScalarKind.Integer } item ? $"Some({item.Integer})" : "None";

    /// <summary>Tarjan's algorithm; returns the components that form cycles (more than one member, or a self-edge is checked by the caller).</summary>
    private static List<List<string>> StronglyConnected(List<string> nodes, Func<string, IEnumerable<string>> successors)
    {
        var index = 0;
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLinks = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<List<string>>();

        // Depth-first without recursion (a chain of 60,000 references would overflow the stack): each frame holds a
        // node and its successors not yet walked.
        var frames = new Stack<(string Node, IEnumerator<string> Next)>();
        void Enter(string node)
        {
            indexes[node] = lowLinks[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            frames.Push((node, successors(node).GetEnumerator()));
        }

        foreach (var root in nodes)
        {
            if (indexes.ContainsKey(root))
            {
                continue;
            }
            Enter(root);
            while (frames.TryPeek(out var frame))
            {
                var (node, next) = frame;
                if (next.MoveNext())
                {
                    if (!indexes.TryGetValue(next.Current, out var nextIndex))
                    {
                        Enter(next.Current);
                    }
                    else if (onStack.Contains(next.Current))
                    {
                        lowLinks[node] = Math.Min(lowLinks[node], nextIndex);
                    }
                    continue;
                }
                frames.Pop();
                next.Dispose();
                if (frames.TryPeek(out var parent))
                {
                    lowLinks[parent.Node] = Math.Min(lowLinks[parent.Node], lowLinks[node]);
                }
                if (lowLinks[node] == indexes[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);
                    result.Add(component);
                }
            }
        }
        return result;
    }
}
