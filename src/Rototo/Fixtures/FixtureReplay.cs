using System.Text.Json;
using Rototo.Json;
using Rototo.Toml;

namespace Rototo.Fixtures;

/// <summary>
/// rototo's <c>testing::assert_fixtures(workspace, dir)</c> (§14.1, §15): replays every case of a fixture suite through
/// the trace functions (context validated) and checks value, value key, matched rule or default, and bucket values.
/// </summary>
internal static class FixtureReplay
{
    /// <summary>Replays the suite in <paramref name="directory"/>; returns the number of cases.</summary>
    /// <exception cref="RototoException">A file cannot be read or parsed, or a case does not hold (the message names it).</exception>
    public static int Assert(Workspace workspace, string directory)
    {
        var suite = Read(Path.Combine(directory, FixtureGenerator.SuiteFile));
        var count = 0;
        foreach (var fixture in Array(suite, "fixture"))
        {
            var path = fixture.GetProperty("path").GetString()!;
            var file = Read(Path.Combine(directory, path));
            var target = file.GetProperty("target").GetString()!;
            foreach (var item in Array(file, "case"))
            {
                Check(workspace, target, item, $"{path} case {item.GetProperty("id").GetString()}");
                count++;
            }
        }
        return count;
    }

    private static void Check(Workspace workspace, string target, JsonElement item, string where)
    {
        var context = ResolveContext.From(item.TryGetProperty("context", out var c) ? c : JsonDocument.Parse("{}").RootElement);
        var expect = item.GetProperty("expect");
        var separator = target.IndexOf(':', StringComparison.Ordinal);
        var (kind, id) = (target[..separator], target[(separator + 1)..]);
        IEnumerable<Runtime.PredicateTrace> predicates;
        if (kind == "variable")
        {
            var trace = workspace.TraceVariable(id, context);
            Same(where, "value", expect.GetProperty("value"), trace.Resolution.Value);
            if (expect.TryGetProperty("value_key", out var key) && key.GetString() != trace.Resolution.ValueKey)
            {
                throw Fail(where, $"value_key {key.GetString()}", trace.Resolution.ValueKey);
            }
            var matched = trace.Rules.FirstOrDefault(r => r.Matched);
            if (expect.TryGetProperty("matched", out _) && matched is not null)
            {
                throw Fail(where, "the default", $"rule {matched.Index}");
            }
            if (expect.TryGetProperty("matched_rule", out var rule) && rule.GetInt32() != matched?.Index)
            {
                throw Fail(where, $"rule {rule.GetInt32()}", matched is null ? "the default" : $"rule {matched.Index}");
            }
            predicates = trace.QualifierTraces.SelectMany(q => q.Predicates);
        }
        else
        {
            var trace = workspace.TraceQualifiers([id], context)[0];
            if (expect.GetProperty("value").GetBoolean() != trace.Value)
            {
                throw Fail(where, $"value {(expect.GetProperty("value").GetBoolean() ? "true" : "false")}", trace.Value ? "true" : "false");
            }
            predicates = trace.Predicates;
        }
        foreach (var bucket in Array(expect, "bucket"))
        {
            var attribute = bucket.GetProperty("attribute").GetString();
            var actual = predicates.FirstOrDefault(p => p.BucketValue is not null && p.Predicate.Attribute == attribute && p.Predicate.Salt == bucket.GetProperty("salt").GetString());
            if (actual?.BucketValue != bucket.GetProperty("value").GetInt32())
            {
                throw Fail(where, $"bucket {bucket.GetProperty("value").GetInt32()} for {attribute}", actual?.BucketValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no bucket");
            }
        }
    }

    private static void Same(string where, string what, JsonElement expected, JsonElement actual)
    {
        if (!JsonEquality.Structural(expected, actual))
        {
            throw Fail(where, $"{what} {SerdeJson.Compact(expected)}", SerdeJson.Compact(actual));
        }
    }

    private static RototoException Fail(string where, string expected, string actual) =>
        new(RototoErrorCode.Resolution, $"fixture {where}: expected {expected}, got {actual}");

    private static List<JsonElement> Array(JsonElement table, string key) =>
        table.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : [];

    private static JsonElement Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Workspace, $"failed to read {path}: {e.Message}", e);
        }
        var root = TomlParser.Parse(text, out var error);
        return error is null ? root.ToJson() : throw new RototoException(RototoErrorCode.Workspace, $"failed to parse {path}: {error.Message}");
    }
}
