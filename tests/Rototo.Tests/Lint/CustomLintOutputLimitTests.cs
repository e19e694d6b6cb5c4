namespace Rototo.Tests.Lint;

/// <summary>
/// What one custom lint pass returns is bounded as its VM is (16 MiB, §10.1): one Lua string returned n times becomes n
/// .NET strings, so a handler returning a 1,000,000-character message 100 times held 200 MB of UTF-16 in lint while its
/// VM held 1 MB. More than 16 MiB of returned text fails the pass as <c>custom-lint-failed</c> (docs/security.md).
/// </summary>
public sealed class CustomLintOutputLimitTests
{
    private static TempWorkspace Returning(int copies) => new TempWorkspace()
        .Write("lint/check.lua", $$"""
            function register(lint)
              lint:on({ stage = "value", entity = "value", handler = "check", rule = { id = "team/check", title = "t", help = "h" } })
            end
            function check(ctx)
              local big = string.rep("x", 1000000)
              local out = {}
              for i = 1, {{copies}} do out[i] = { message = big } end
              return out
            end
            """)
        .Write("variables/one.toml", "schema_version = 1\ntype = \"int\"\n[values]\nv = 1\n[resolve]\ndefault = \"v\"\n");

    [Fact]
    public void A_pass_returning_more_than_16_MiB_of_text_fails()
    {
        // 17 × 1,000,000 bytes = 17,000,000 > 16 × 1,048,576 = 16,777,216.
        using var workspace = Returning(17);

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        var failed = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/custom-lint-failed");
        Assert.Equal("custom lint handler failed in lint/check.lua: it returned more than 16 MiB of text", failed.Message);
        Assert.DoesNotContain(lint.Diagnostics, d => d.Rule == "team/check");
    }

    [Fact]
    public void A_pass_returning_16_MiB_or_less_is_reported_whole()
    {
        // 16 × 1,000,000 bytes = 16,000,000 <= 16,777,216.
        using var workspace = Returning(16);

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        Assert.Equal(16, lint.Diagnostics.Count(d => d.Rule == "team/check" && d.Message.Length == 1_000_000));
        Assert.DoesNotContain(lint.Diagnostics, d => d.Rule == "rototo/custom-lint-failed");
    }
}
