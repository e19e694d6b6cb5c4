using System.Globalization;
using BenchmarkDotNet.Attributes;
using Rototo.Discovery;
using Rototo.Sources;

namespace Rototo.Lint.Benchmarks;

/// <summary>
/// Lint of a generated workspace of 1,000 variables with one custom Lua rule on the variable entity (issue target:
/// under 2 s). The rule runs once per variable, each time in a fresh sandboxed VM (§10.1).
/// </summary>
[MemoryDiagnoser]
public class CustomLintBenchmarks
{
    private const string Rule = """
        function check_description(ctx)
          local description = ctx.target.toml.description
          if description == nil or #description < 10 then
            return { { message = "variable " .. ctx.target.id .. " needs a description", field = "description" } }
          end
        end

        function register(lint)
          lint:on{ stage = "policy", entity = "variable", handler = "check_description",
            rule = { id = "bench/description-required", title = "Description is missing", help = "Describe the variable." } }
        end
        """;

    private string _root = "";

    /// <summary>Number of variables in the workspace.</summary>
    [Params(1000)]
    public int Variables { get; set; }

    /// <summary>With the custom rule, or the same workspace without <c>lint/</c> (the built-in lint alone).</summary>
    [Params(true, false)]
    public bool LuaRule { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "rototo-lint-bench-" + Guid.NewGuid().ToString("N"));
        Write("rototo-workspace.toml", "schema_version = 1\n");
        Write("schemas/context.schema.json", """{"type":"object","properties":{"account":{"type":"object","properties":{"plan":{"type":"string"}}}}}""");
        if (LuaRule)
        {
            Write("lint/descriptions.lua", Rule);
        }
        string[] plans = ["free", "team", "business", "enterprise"];
        foreach (var plan in plans)
        {
            Write($"qualifiers/{plan}.toml", $"schema_version = 1\n\n[[predicate]]\nattribute = \"account.plan\"\nop = \"eq\"\nvalue = \"{plan}\"\n");
        }
        for (var i = 0; i < Variables; i++)
        {
            var plan = plans[i % plans.Length];
            var id = i.ToString("D4", CultureInfo.InvariantCulture);
            Write($"variables/limit-{id}.toml",
                $"schema_version = 1\ndescription = \"Request limit number {id} for accounts\"\ntype = \"int\"\n\n[values]\nstandard = 100\nraised = {i + 200}\n\n[resolve]\ndefault = \"standard\"\n\n[[resolve.rule]]\nqualifier = \"{plan}\"\nvalue = \"raised\"\n");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Description = "lint 1,000 variables")]
    public int Lint()
    {
        var lint = WorkspaceLint.Run(WorkspaceDiscovery.Discover(_root, WorkspaceSourceOptions.Default));
        if (lint.Diagnostics.Count != 0)
        {
            throw new InvalidOperationException("the generated workspace should lint clean: " + lint.Diagnostics[0]);
        }
        return lint.Documents.Count;
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
