using System.Text.Json;
using Rototo.Discovery;
using Rototo.Json;
using Rototo.Lint.Checks;
using Rototo.Model;
using Rototo.Schemas;
using Rototo.Toml;

namespace Rototo.Runtime;

/// <summary>Builds the runtime model from a discovered workspace; the first structural problem fails (§7).</summary>
internal static class RuntimeCompiler
{
    private static readonly string[] PrimitiveTypes = ["bool", "int", "number", "string", "list"];

    public static RuntimeModel Compile(WorkspaceSnapshot snapshot)
    {
        if (snapshot.Manifest is null)
        {
            throw Fail("workspace manifest is missing");
        }
        var contextSchema = ContextSchema(snapshot);

        var qualifierDocs = Parsed(snapshot, DocumentKind.Qualifier);
        var qualifierIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < qualifierDocs.Count; i++)
        {
            qualifierIndex[qualifierDocs[i].Id] = i;
        }
        var qualifiers = qualifierDocs.Select(d => Located(d, null, () => Qualifier(new QualifierView(d), qualifierIndex))).ToArray();
        var references = qualifiers.Select(q => q.Predicates.Where(p => p.Reference >= 0).Select(p => p.Reference).ToArray()).ToArray();
        if (ReferenceDepth.FirstTooDeep(qualifiers.Length, i => references[i]) is >= 0 and var deep)
        {
            throw new RototoException(RototoErrorCode.Compile, ReferenceDepth.TooDeep(qualifiers[deep].Id), qualifierDocs[deep].RelativePath);
        }

        var resources = Parsed(snapshot, DocumentKind.Resource).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var variables = new Dictionary<string, RuntimeVariable>(StringComparer.Ordinal);
        foreach (var document in Parsed(snapshot, DocumentKind.Variable))
        {
            variables[document.Id] = Located(document, null, () => Variable(snapshot, new VariableView(document), resources, qualifierIndex));
        }

        return new RuntimeModel
        {
            AttributePaths = AssignSlots(qualifiers),
            ContextSchema = contextSchema,
            Qualifiers = qualifiers,
            QualifierIndex = qualifierIndex,
            Variables = variables,
            VariableIds = [.. variables.Keys.Order(Utf8Order.Instance)],
        };
    }

    /// <summary>Numbers the distinct context attributes read by the qualifiers; returns their paths by slot.</summary>
    private static byte[][][] AssignSlots(RuntimeQualifier[] qualifiers)
    {
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new List<byte[][]>();
        foreach (var predicate in qualifiers.SelectMany(q => q.ContextReaders))
        {
            if (!slots.TryGetValue(predicate.Attribute, out var slot))
            {
                slot = paths.Count;
                slots[predicate.Attribute] = slot;
                paths.Add(predicate.Path!);
            }
            predicate.Slot = slot;
        }
        return [.. paths];
    }

    private static List<WorkspaceDocument> Parsed(WorkspaceSnapshot snapshot, DocumentKind kind) =>
        [.. snapshot.OfKind(kind).Where(d => d.Toml is not null).OrderBy(d => d.Id, Utf8Order.Instance)];

    private static CompiledSchema? ContextSchema(WorkspaceSnapshot snapshot)
    {
        if (snapshot.FindByPath(WorkspaceSnapshot.ContextSchemaPath) is not { } document)
        {
            return null;
        }
        if (document.Json is not { } json)
        {
            throw Fail($"context schema file could not be parsed: {WorkspaceSnapshot.ContextSchemaPath}");
        }
        return SchemaCompiler.TryCompile(json, out var schema, out var error) ? schema : throw Fail($"context schema is invalid: {error}");
    }

    private static RuntimeQualifier Qualifier(QualifierView view, Dictionary<string, int> qualifierIndex)
    {
        if (!ShapeChecks.IsSchemaVersionOne(view.Root["schema_version"]))
        {
            throw Fail($"qualifier must declare schema_version = 1: {view.Id}");
        }
        if (view.Root["predicate"] is not TomlArrayNode { Items.Count: > 0 })
        {
            throw Fail($"qualifier must contain at least one predicate: {view.Id}");
        }
        var predicates = view.Predicates.Select(p => Located(view.Document, $"predicate[{p.Index}]", () => Predicate(p, qualifierIndex))).ToArray();
        return new RuntimeQualifier
        {
            Id = view.Id,
            Predicates = predicates,
            ContextReaders = [.. predicates.Where(p => p.Path is not null)],
        };
    }

    private static RuntimePredicate Predicate(PredicateView view, Dictionary<string, int> qualifierIndex)
    {
        if (view.Table is null || view.AttributeNode is not TomlScalarNode { Kind: TomlScalarKind.String })
        {
            throw Fail("predicate must contain attribute");
        }
        if (view.OpNode is not TomlScalarNode { Kind: TomlScalarKind.String, Text: { } op })
        {
            throw Fail("predicate must contain op");
        }
        var attribute = view.Attribute!;
        var reference = view.ReferencedQualifier;
        if (op == "bucket")
        {
            return Bucket(view, attribute, reference, qualifierIndex);
        }
        var @operator = op switch
        {
            "eq" => PredicateOperator.Eq,
            "neq" => PredicateOperator.Neq,
            "in" => PredicateOperator.In,
            "not_in" => PredicateOperator.NotIn,
            "gt" => PredicateOperator.Gt,
            "gte" => PredicateOperator.Gte,
            "lt" => PredicateOperator.Lt,
            "lte" => PredicateOperator.Lte,
            _ => throw Fail($"unknown predicate operator: {op}"),
        };
        if (view.Value is not { } value)
        {
            throw Fail("predicate must contain value");
        }
        if (Operators.IsMembership(op) && value is not TomlArrayNode)
        {
            throw Fail("in/not_in predicate value must be a list");
        }
        if (Operators.IsOrdering(op) && value is not TomlScalarNode { Kind: TomlScalarKind.Integer or TomlScalarKind.Float })
        {
            throw Fail("comparison predicate value must be a number");
        }
        var expected = value.ToJson();
        return new RuntimePredicate
        {
            Index = view.Index,
            Attribute = attribute,
            Operator = @operator,
            OperatorName = op,
            Path = reference is null ? RuntimePredicate.EncodePath(attribute) : null,
            Reference = Reference(reference, qualifierIndex),
            ReferenceId = reference,
            Expected = expected,
            Operand = Operators.IsMembership(op) ? null : new Operand(expected),
            Members = Operators.IsMembership(op) ? [.. expected.EnumerateArray().Select(m => new Operand(m))] : [],
        };
    }

    private static RuntimePredicate Bucket(PredicateView view, string attribute, string? reference, Dictionary<string, int> qualifierIndex)
    {
        if (view.Salt is not TomlScalarNode { Kind: TomlScalarKind.String, Text: { } salt })
        {
            throw Fail("bucket predicate must contain salt");
        }
        if (view.Range is not TomlArrayNode range)
        {
            throw Fail("bucket predicate must contain range");
        }
        if (range.Items.Count != 2 || range.Items.Any(i => i is not TomlScalarNode { Kind: TomlScalarKind.Integer }))
        {
            throw Fail("bucket predicate range must contain two integers");
        }
        var start = ((TomlScalarNode)range.Items[0]).Integer;
        var end = ((TomlScalarNode)range.Items[1]).Integer;
        if (!(start >= 0 && start < end && end <= Runtime.Bucket.Count))
        {
            throw Fail("bucket range must satisfy 0 <= start < end <= 10000");
        }
        if (view.Value is not null)
        {
            throw Fail("bucket predicate must not contain value");
        }
        return new RuntimePredicate
        {
            Index = view.Index,
            Attribute = attribute,
            Operator = PredicateOperator.Bucket,
            OperatorName = "bucket",
            Path = reference is null ? RuntimePredicate.EncodePath(attribute) : null,
            Reference = Reference(reference, qualifierIndex),
            ReferenceId = reference,
            Salt = salt,
            SaltState = Runtime.Bucket.SaltState(salt),
            Start = (int)start,
            End = (int)end,
        };
    }

    private static int Reference(string? reference, Dictionary<string, int> qualifierIndex) =>
        reference is null ? -1 : qualifierIndex.TryGetValue(reference, out var index) ? index : throw Fail($"predicate references unknown qualifier: {reference}");

    private static RuntimeVariable Variable(WorkspaceSnapshot snapshot, VariableView view, HashSet<string> resources, Dictionary<string, int> qualifierIndex)
    {
        var id = view.Id;
        if (!ShapeChecks.IsSchemaVersionOne(view.Root["schema_version"]))
        {
            throw Fail($"variable must declare schema_version = 1: {id}");
        }
        var values = Values(snapshot, view, resources);
        if (view.Root["resolve"] is not TomlTableNode)
        {
            throw Fail($"variable must contain [resolve]: {id}");
        }
        if (view.Default is not { } defaultKey)
        {
            throw Fail("resolve must reference a default value");
        }
        VariableResolution ResolutionFor(string key, string unknownMessage) =>
            values.TryGetValue(key, out var value) ? new VariableResolution(id, key, value) : throw Fail(unknownMessage);

        var defaultResolution = Located(view.Document, "resolve.default", () => ResolutionFor(defaultKey, $"resolve default references unknown value: {defaultKey}"));
        var rules = new List<RuntimeRule>();
        if (view.RuleNode is { } ruleNode)
        {
            if (ruleNode is not TomlArrayNode)
            {
                throw Fail("rule must use [[resolve.rule]] tables");
            }
            foreach (var rule in view.Rules)
            {
                Located(view.Document, $"resolve.rule[{rule.Index}]", () => RuleShape(rule));
                rules.Add(new RuntimeRule
                {
                    Index = rule.Index,
                    Qualifier = qualifierIndex[rule.Qualifier!],
                    QualifierId = rule.Qualifier!,
                    Resolution = Located(view.Document, $"resolve.rule[{rule.Index}].value", () => ResolutionFor(rule.Value!, $"rule references unknown value: {rule.Value}")),
                });
            }
        }
        return new RuntimeVariable { Id = id, Rules = [.. rules], Default = defaultResolution };

        void RuleShape(RuleView rule)
        {
            if (rule.Table is null)
            {
                throw Fail("rule must be a table");
            }
            if (rule.QualifierNode is not TomlScalarNode { Kind: TomlScalarKind.String, Text: { } qualifier })
            {
                throw Fail("rule must reference a qualifier");
            }
            if (!qualifierIndex.ContainsKey(qualifier))
            {
                throw Fail($"rule references unknown qualifier: {qualifier}");
            }
            if (rule.ValueNode is not TomlScalarNode { Kind: TomlScalarKind.String })
            {
                throw Fail("rule must reference a value");
            }
        }
    }

    /// <summary>The selectable values of a variable: inline values, or the objects of its resource.</summary>
    private static Dictionary<string, JsonElement> Values(WorkspaceSnapshot snapshot, VariableView view, HashSet<string> resources)
    {
        var id = view.Id;
        var type = view.TypeNode;
        if (type is null && view.Root["schema"] is not null)
        {
            throw Fail($"variable schemas are no longer supported: {id}");
        }
        if (type is null || view.Type is not { } typeName)
        {
            throw Fail($"variable must declare type: {id}");
        }
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (view.ResourceId is { } resource)
        {
            if (!resources.Contains(resource))
            {
                throw Fail($"variable references unknown resource: {resource}");
            }
            if (view.ValuesNode is { } inline && (inline is not TomlTableNode table || table.Entries.Count > 0))
            {
                throw Fail($"resource-backed variable must not contain values: {id}");
            }
            var objects = snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == resource).ToList();
            if (objects.Count == 0)
            {
                throw Fail($"resource has no objects for variable {id}: {resource}");
            }
            foreach (var obj in objects.Where(o => o.Toml is not null))
            {
                values[obj.Id] = obj.Toml!.ToJson();
            }
            return values;
        }
        if (Array.IndexOf(PrimitiveTypes, typeName) < 0)
        {
            throw Fail($"variable declares unknown type: {typeName}");
        }
        if (view.ValuesNode is { } node and not TomlTableNode)
        {
            _ = node;
            throw Fail($"variable values must be a table: {id}");
        }
        if (view.Values is not { Entries.Count: > 0 } valueTable)
        {
            throw Fail($"variable must contain values: {id}");
        }
        foreach (var entry in valueTable.Entries)
        {
            values[entry.Key] = entry.Value.ToJson();
        }
        return values;
    }

    private static RototoException Fail(string message) => new(RototoErrorCode.Compile, message);

    /// <summary>Runs one compile step, giving a failure without a location the document's path and <paramref name="field"/>.</summary>
    private static T Located<T>(WorkspaceDocument document, string? field, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (RototoException e) when (e.Location is null && e.Code == RototoErrorCode.Compile)
        {
            throw new RototoException(e.Code, e.Message, field is null ? document.RelativePath : $"{document.RelativePath} {field}");
        }
    }

    private static void Located(WorkspaceDocument document, string field, Action step) =>
        Located(document, field, () => { step(); return true; });
}
