using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rototo.Tests.Acceptance;

/// <summary>
/// rototo's shared SDK contract cases (<c>../shared/rototo/tests/sdk-contract/cases.jsonl</c>, rototo-acceptance.md E),
/// run with the runner semantics of rototo's own SDK tests: a JSON subset match on results, a substring match on errors.
/// </summary>
public sealed class SdkContractCasesTests
{
    /// <summary>One row per line of cases.jsonl (line numbers only, so the file is read at run time).</summary>
    public static TheoryData<int> Lines()
    {
        var data = new TheoryData<int>();
        for (var line = 1; line <= 8; line++)
        {
            data.Add(line);
        }
        return data;
    }

    [ReferenceDataFact]
    public void The_case_file_has_the_eight_cases_this_suite_runs()
    {
        Assert.Equal(8, ReadCases().Count);
    }

    [ReferenceDataTheory]
    [MemberData(nameof(Lines))]
    public async Task Case_passes(int line)
    {
        var @case = ReadCases()[line - 1];
        var expect = @case["expect"]!.AsObject();
        var workspacePath = TestData.SharedRototo(@case["workspace"]!.GetValue<string>());
        var operation = @case["operation"]!.GetValue<string>();

        JsonNode? actual;
        try
        {
            actual = await RunAsync(operation, workspacePath, @case);
        }
        catch (RototoException error) when (!expect["ok"]!.GetValue<bool>())
        {
            Assert.Contains(expect["error"]!["contains"]!.GetValue<string>(), error.Message, StringComparison.Ordinal);
            return;
        }

        Assert.True(expect["ok"]!.GetValue<bool>(), $"case '{@case["name"]}' expected an error but succeeded");
        if (expect["diagnostics"] is { } diagnostics)
        {
            Assert.Equal(diagnostics.GetValue<int>(), actual!["diagnostics"]!.GetValue<int>());
        }
        if (expect["result"] is { } result)
        {
            AssertSubset(result, actual, @case["name"]!.GetValue<string>());
        }
    }

    private static async Task<JsonNode?> RunAsync(string operation, string workspacePath, JsonObject @case)
    {
        switch (operation)
        {
            case "load_workspace":
                await Workspace.LoadAsync(workspacePath);
                return null;
            case "lint_workspace":
                var lint = await (await Workspace.InspectAsync(workspacePath)).LintAsync();
                return new JsonObject { ["diagnostics"] = lint.Diagnostics.Count };
        }
        var workspace = await Workspace.LoadAsync(workspacePath);
        var id = @case["id"]!.GetValue<string>();
        var context = @case["context"]!.AsObject();
        return operation switch
        {
            "resolve_qualifier" => ToJson(await workspace.ResolveQualifierAsync(id, context)),
            "resolve_variable" => ToJson(await workspace.ResolveVariableAsync(id, context)),
            _ => throw new InvalidOperationException($"cases.jsonl has an operation this runner does not know: {operation}"),
        };
    }

    private static JsonObject ToJson(QualifierResolution r) => new() { ["id"] = r.Id, ["value"] = r.Value };

    private static JsonObject ToJson(VariableResolution r) => new() { ["id"] = r.Id, ["value_key"] = r.ValueKey, ["value"] = r.ToJsonNode() };

    private static void AssertSubset(JsonNode? expected, JsonNode? actual, string name)
    {
        if (expected is JsonObject expectedObject)
        {
            var actualObject = Assert.IsType<JsonObject>(actual);
            foreach (var (key, value) in expectedObject)
            {
                Assert.True(actualObject.ContainsKey(key), $"case '{name}': result lacks '{key}'");
                AssertSubset(value, actualObject[key], name);
            }
            return;
        }
        Assert.True(JsonNode.DeepEquals(expected, actual), $"case '{name}': expected {expected?.ToJsonString()}, got {actual?.ToJsonString()}");
    }

    private static List<JsonObject> ReadCases()
    {
        var path = Path.Combine(TestData.SharedRototo(), "tests", "sdk-contract", "cases.jsonl");
        return [.. File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())];
    }
}
