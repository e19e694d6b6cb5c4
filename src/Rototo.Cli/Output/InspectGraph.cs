using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Discovery;
using Rototo.Json;
using Rototo.Model;

namespace Rototo.Cli.Output;

/// <summary>
/// The <c>dependencies</c> and <c>consumers</c> of <c>inspect --json</c> (§11.2), from the parsed files of a workspace.
/// Dependencies are transitive: a variable depends on the qualifiers of its rules, the qualifiers those reference, and
/// the context paths they all read; lists are sorted (byte order) and free of duplicates. Consumers are the entities
/// that name the item directly, as <c>{kind, label}</c> with the consumer's id as label.
/// </summary>
internal sealed class InspectGraph
{
    private readonly Dictionary<string, QualifierView> _qualifiers;
    private readonly List<VariableView> _variables;
    private readonly List<ResourceView> _resources;
    private readonly Dictionary<string, JsonElement> _schemas;
    private readonly bool _hasContextSchema;

    // Who names each item, indexed once: looking consumers up per item by scanning every entity made inspect
    // quadratic in the number of qualifiers (4,000 took 23 s).
    private readonly Dictionary<string, List<(string Kind, string Label)>> _qualifierConsumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Kind, string Label)>> _resourceConsumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Kind, string Label)>> _schemaConsumers = new(StringComparer.Ordinal);

    public InspectGraph(WorkspaceSnapshot snapshot)
    {
        bool Parsed(WorkspaceDocument d) => d.Parsed && (d.Toml is not null || d.Json is not null);
        _qualifiers = snapshot.OfKind(DocumentKind.Qualifier).Where(Parsed).Select(d => new QualifierView(d)).ToDictionary(q => q.Id, StringComparer.Ordinal);
        _variables = [.. snapshot.OfKind(DocumentKind.Variable).Where(Parsed).Select(d => new VariableView(d))];
        _resources = [.. snapshot.OfKind(DocumentKind.Resource).Where(Parsed).Select(d => new ResourceView(d))];
        _schemas = snapshot.OfKind(DocumentKind.Schema).Where(d => d.Json is not null).ToDictionary(d => d.RelativePath, d => d.Json!.Value, StringComparer.Ordinal);
        _hasContextSchema = _schemas.ContainsKey(WorkspaceSnapshot.ContextSchemaPath);
        IndexConsumers();
    }

    public JsonObject VariableDependencies(VariableView variable)
    {
        var qualifiers = Closure(variable.Rules.Select(r => r.Qualifier).OfType<string>());
        var resources = new SortedSet<string>(Utf8Order.Instance);
        var schemas = new SortedSet<string>(Utf8Order.Instance);
        if (variable.ResourceId is { } resourceId)
        {
            resources.Add(resourceId);
            if (_resources.FirstOrDefault(r => r.Id == resourceId)?.SchemaPath is { } schema)
            {
                schemas.Add(schema);
            }
        }
        return Dependencies(qualifiers, schemas, resources);
    }

    public JsonObject QualifierDependencies(QualifierView qualifier)
    {
        var referenced = Closure(qualifier.Predicates.Select(p => p.ReferencedQualifier).OfType<string>());
        var paths = ContextPaths(referenced.Append(qualifier.Id));
        var schemas = new SortedSet<string>(Utf8Order.Instance);
        if (paths.Count > 0 && _hasContextSchema)
        {
            schemas.Add(WorkspaceSnapshot.ContextSchemaPath);
        }
        return new JsonObject
        {
            ["qualifiers"] = Strings(referenced.Where(id => id != qualifier.Id)),
            ["context_paths"] = Strings(paths),
            ["schemas"] = Strings(schemas),
            ["resources"] = new JsonArray(),
        };
    }

    public JsonObject ResourceDependencies(ResourceView resource)
    {
        var schemas = new SortedSet<string>(Utf8Order.Instance);
        var resources = new SortedSet<string>(Utf8Order.Instance);
        if (resource.SchemaPath is { } path)
        {
            schemas.Add(path);
            if (_schemas.TryGetValue(path, out var schema))
            {
                Markers(schema, resources);
            }
        }
        return Dependencies([], schemas, resources);
    }

    /// <summary>The variables whose rules name qualifier <paramref name="id"/> and the other qualifiers that reference it.</summary>
    public JsonArray QualifierConsumers(string id) => Consumers(_qualifierConsumers, id);

    /// <summary>The variables of resource <paramref name="id"/> and the other resources whose schema marks it.</summary>
    public JsonArray ResourceConsumers(string id) => Consumers(_resourceConsumers, id);

    /// <summary>The resources using the schema at <paramref name="path"/>; for the context schema, the qualifiers reading the context.</summary>
    public JsonArray SchemaConsumers(string path) => Consumers(_schemaConsumers, path);

    /// <summary>Fills the consumer indexes in one pass over the entities: O(rules + predicates + schema sizes).</summary>
    private void IndexConsumers()
    {
        foreach (var variable in _variables)
        {
            foreach (var qualifier in variable.Rules.Select(r => r.Qualifier).OfType<string>())
            {
                Add(_qualifierConsumers, qualifier, ("variable", variable.Id));
            }
            if (variable.ResourceId is { } resource)
            {
                Add(_resourceConsumers, resource, ("variable", variable.Id));
            }
        }
        foreach (var qualifier in _qualifiers.Values)
        {
            foreach (var referenced in qualifier.Predicates.Select(p => p.ReferencedQualifier).OfType<string>().Where(r => r != qualifier.Id))
            {
                Add(_qualifierConsumers, referenced, ("qualifier", qualifier.Id));
            }
            if (qualifier.Predicates.Any(p => p.ReadsContext))
            {
                Add(_schemaConsumers, WorkspaceSnapshot.ContextSchemaPath, ("qualifier", qualifier.Id));
            }
        }
        foreach (var resource in _resources)
        {
            if (resource.SchemaPath is not { } path)
            {
                continue;
            }
            if (path != WorkspaceSnapshot.ContextSchemaPath)
            {
                Add(_schemaConsumers, path, ("resource", resource.Id));
            }
            if (_schemas.TryGetValue(path, out var schema))
            {
                foreach (var marked in Markers(schema, new SortedSet<string>(Utf8Order.Instance)).Where(m => m != resource.Id))
                {
                    Add(_resourceConsumers, marked, ("resource", resource.Id));
                }
            }
        }
    }

    private static void Add(Dictionary<string, List<(string Kind, string Label)>> index, string key, (string Kind, string Label) consumer)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(consumer);
    }

    private JsonObject Dependencies(IEnumerable<string> qualifiers, SortedSet<string> schemas, SortedSet<string> resources)
    {
        var list = qualifiers.ToList();
        var paths = ContextPaths(list);
        if (paths.Count > 0 && _hasContextSchema)
        {
            schemas.Add(WorkspaceSnapshot.ContextSchemaPath);
        }
        return new JsonObject
        {
            ["qualifiers"] = Strings(list),
            ["context_paths"] = Strings(paths),
            ["schemas"] = Strings(schemas),
            ["resources"] = Strings(resources),
        };
    }

    /// <summary>The given qualifier ids and every known qualifier they reference, transitively, sorted.</summary>
    private SortedSet<string> Closure(IEnumerable<string> start)
    {
        var seen = new SortedSet<string>(Utf8Order.Instance);
        var pending = new Stack<string>(start);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (seen.Add(id) && _qualifiers.TryGetValue(id, out var qualifier))
            {
                foreach (var next in qualifier.Predicates.Select(p => p.ReferencedQualifier).OfType<string>())
                {
                    pending.Push(next);
                }
            }
        }
        return seen;
    }

    private SortedSet<string> ContextPaths(IEnumerable<string> qualifiers) =>
        new(qualifiers.Where(_qualifiers.ContainsKey).SelectMany(id => _qualifiers[id].Predicates).Where(p => p.ReadsContext).Select(p => p.Attribute!), Utf8Order.Instance);

    /// <summary>The resources named by <c>x-rototo-resource</c> markers anywhere in a schema.</summary>
    private static SortedSet<string> Markers(JsonElement schema, SortedSet<string> into)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in schema.EnumerateObject())
                {
                    if (property.Name == "x-rototo-resource" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        into.Add(property.Value.GetString()!);
                    }
                    Markers(property.Value, into);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in schema.EnumerateArray())
                {
                    Markers(item, into);
                }
                break;
        }
        return into;
    }

    private static JsonArray Consumers(Dictionary<string, List<(string Kind, string Label)>> index, string key) =>
        new([.. (index.TryGetValue(key, out var consumers) ? consumers : []).Distinct().OrderBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Label, Utf8Order.Instance)
            .Select(c => (JsonNode)new JsonObject { ["kind"] = c.Kind, ["label"] = c.Label })]);

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
