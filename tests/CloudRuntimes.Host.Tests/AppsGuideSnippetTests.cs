using System.Text.RegularExpressions;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The code of docs/apps.md is the example apps' code: every <c>csharp</c> and <c>yaml</c> block of the guide is found,
/// line for line, in a source file of <c>examples/OrdersApp</c> or <c>examples/ShippingApp</c>, so the guide cannot
/// drift from what <see cref="OrdersAppTests"/> runs.
/// </summary>
public sealed partial class AppsGuideSnippetTests
{
    private static readonly string[] Examples = ["examples/OrdersApp", "examples/ShippingApp"];

    [Fact]
    public void Every_code_block_of_the_guide_is_quoted_from_the_examples()
    {
        var guide = File.ReadAllText(Path.Combine(RuntimeProcesses.RepositoryRoot, "docs", "apps.md"));
        var sources = Examples
            .SelectMany(e => Directory.EnumerateFiles(Path.Combine(RuntimeProcesses.RepositoryRoot, e), "*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (File: f, Text: File.ReadAllText(f).ReplaceLineEndings("\n")))
            .ToList();

        var blocks = CodeBlock().Matches(guide.ReplaceLineEndings("\n")).Select(m => m.Groups["code"].Value).ToList();

        Assert.True(blocks.Count >= 10, $"the guide quotes {blocks.Count} blocks");
        foreach (var block in blocks)
        {
            Assert.True(sources.Any(s => s.Text.Contains(block, StringComparison.Ordinal)), $"this block of docs/apps.md is not in {string.Join(" or ", Examples)}:\n{block}");
        }
    }

    [GeneratedRegex(@"^```(csharp|yaml)\n(?<code>.*?\n)```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
