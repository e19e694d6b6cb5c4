using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rototo.Runtime;

/// <summary>One evaluated predicate (§8.2 PredicateTrace).</summary>
internal sealed record PredicateTrace(RuntimePredicate Predicate, JsonElement Actual, bool Result, int? BucketValue)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["index"] = Predicate.Index };
        if (Predicate.Operator == PredicateOperator.Bucket)
        {
            json["kind"] = "bucket";
            json["attribute"] = Predicate.Attribute;
            json["actual"] = Json.SerdeJson.Value(Actual);
            json["bucket"] = new JsonObject
            {
                ["salt"] = Predicate.Salt,
                ["start"] = Predicate.Start,
                ["end"] = Predicate.End,
                ["value"] = BucketValue,
            };
        }
        else
        {
            json["kind"] = "compare";
            json["attribute"] = Predicate.Attribute;
            json["op"] = Predicate.OperatorName;
            json["expected"] = Json.SerdeJson.Value(Predicate.Expected);
            json["actual"] = Json.SerdeJson.Value(Actual);
            if (Predicate.ReferenceId is { } reference)
            {
                json["qualifier"] = reference;
            }
        }
        json["result"] = Result;
        return json;
    }
}

/// <summary>One resolved qualifier with the predicates that were evaluated (§8.2 QualifierTrace).</summary>
internal sealed record QualifierTrace(string Id, bool Value, IReadOnlyList<PredicateTrace> Predicates)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["value"] = Value,
        ["predicates"] = new JsonArray([.. Predicates.Select(p => (JsonNode)p.ToJson())]),
    };
}

/// <summary>An evaluated variable rule.</summary>
internal sealed record RuleTrace(int Index, string Qualifier, string Value, bool Matched);

/// <summary>The full story of a variable resolution (§8.2 VariableTrace).</summary>
internal sealed record VariableTrace(VariableResolution Resolution, string DefaultValue, IReadOnlyList<RuleTrace> Rules, IReadOnlyList<QualifierTrace> QualifierTraces)
{
    public JsonObject ToJson() => new()
    {
        ["resolution"] = new JsonObject
        {
            ["id"] = Resolution.Id,
            ["value_key"] = Resolution.ValueKey,
            ["value"] = Json.SerdeJson.Value(Resolution.Value),
        },
        ["default_value"] = DefaultValue,
        ["rules"] = new JsonArray([.. Rules.Select(r => (JsonNode)new JsonObject
        {
            ["index"] = r.Index,
            ["qualifier"] = r.Qualifier,
            ["value"] = r.Value,
            ["matched"] = r.Matched,
        })]),
        ["qualifier_traces"] = new JsonArray([.. QualifierTraces.Select(q => (JsonNode)q.ToJson())]),
    };
}

/// <summary>Collects traces during an evaluation; one per resolution state.</summary>
internal sealed class TraceSink
{
    public Dictionary<int, QualifierTrace> Qualifiers { get; } = [];

    public List<RuleTrace> Rules { get; } = [];
}
