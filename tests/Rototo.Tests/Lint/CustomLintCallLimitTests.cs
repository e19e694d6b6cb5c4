using System.Text;
using Rototo.Lint;

namespace Rototo.Tests.Lint;

/// <summary>
/// Custom lint calls its handler once per target and registration, each in a fresh VM, so a few lines of Lua over a
/// variable with many values multiply into minutes (300 registrations × 1,000 values took 54 s). One lint makes at most
/// 50,000 handler calls; a registration whose targets no longer fit is not run and is reported (docs/security.md).
/// </summary>
public sealed class CustomLintCallLimitTests
{
    private const string Lua = """
        function register(lint)
          lint:on({ stage = "value", entity = "value", handler = "check", rule = { id = "team/check", title = "t", help = "h" } })
        end
        function check(ctx)
          return { { message = "called" } }
        end
        """;

    /// <summary>
    /// Variables of up to 100 values each: Tomlyn 2.10.2 reports a false duplicate key when two keys of one table share
    /// a string hash code, which is likely in a table of 10,000 keys and more (the hash seed changes per process).
    /// </summary>
    private static TempWorkspace WithValues(int count)
    {
        var workspace = new TempWorkspace().Write("lint/check.lua", Lua);
        for (var first = 0; first < count; first += 100)
        {
            var variable = new StringBuilder("schema_version = 1\ntype = \"int\"\n[values]\n");
            for (var i = first; i < Math.Min(count, first + 100); i++)
            {
                variable.Append($"v{i} = {i}\n");
            }
            variable.Append($"[resolve]\ndefault = \"v{first}\"\n");
            workspace.Write($"variables/many-{first}.toml", variable.ToString());
        }
        return workspace;
    }

    [Fact]
    public void A_registration_over_50000_targets_is_reported_and_not_run()
    {
        using var workspace = WithValues(50_001);

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        var failed = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/custom-lint-failed");
        Assert.Equal("custom lint handler check in lint/check.lua not run: the workspace's custom lint would make more than 50,000 handler calls", failed.Message);
        Assert.DoesNotContain(lint.Diagnostics, d => d.Rule == "team/check");
    }

    [Fact]
    public void A_registration_within_the_limit_runs_on_every_target()
    {
        using var workspace = WithValues(3);

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        Assert.Equal(3, lint.Diagnostics.Count(d => d.Rule == "team/check" && d.Message == "called"));
    }
}
