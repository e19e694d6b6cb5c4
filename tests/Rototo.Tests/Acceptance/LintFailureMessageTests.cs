using System.Text;

namespace Rototo.Tests.Acceptance;

/// <summary>
/// A refused load's message lists a bounded number of error diagnostics: a workspace with a million errors made a message
/// of every one (a string of hundreds of MB, logged on every failed refresh).
/// </summary>
public sealed class LintFailureMessageTests
{
    [Fact]
    public async Task Lint_failure_lists_the_first_20_errors_and_counts_the_rest()
    {
        using var workspace = new TempWorkspace();
        for (var v = 0; v < 3; v++)
        {
            var text = new StringBuilder("schema_version = 1\ntype = \"int\"\n\n[values]\n");
            for (var i = 0; i < 20; i++)
            {
                text.Append($"value-{i:D2} = \"not an int\"\n");
            }
            text.Append("\n[resolve]\ndefault = \"value-00\"\n");
            workspace.Write($"variables/v{v}.toml", text.ToString());
        }

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));

        // 3 variables x 20 values: 60 type errors; 3 x 19 values are also unused (warnings), 117 diagnostics in all.
        var lines = error.Message.Split('\n');
        Assert.Equal("workspace lint failed with 117 diagnostic(s)", lines[0]);
        Assert.Equal(1 + 20 + 1, lines.Length);
        Assert.All(lines[1..21], l => Assert.StartsWith("  error[rototo/variable-value-type-mismatch]: variables/v", l, StringComparison.Ordinal));
        Assert.Equal("  ... and 40 more error(s)", lines[21]);
        Assert.Equal(RototoErrorCode.LintFailed, error.Code);
    }
}
