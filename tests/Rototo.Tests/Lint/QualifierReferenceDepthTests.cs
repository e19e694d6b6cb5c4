using Rototo.Lint;

namespace Rototo.Tests.Lint;

/// <summary>
/// Chains of qualifier references (<c>attribute = "qualifier.next"</c>): resolution follows each by recursion, so a
/// chain of thousands of qualifiers, which has no cycle and used to pass lint, ended the process with a stack overflow
/// (8,500 in the CLI; lint's own recursive cycle check at 60,000). A chain may pass through at most 64 qualifiers: a longer one is a lint error
/// (<c>qualifier-reference-depth</c>) and does not compile, and lint itself walks the reference graph without recursion.
/// </summary>
public sealed class QualifierReferenceDepthTests
{
    private const string Expected = "qualifier references nest deeper than 64 qualifiers from qualifier://c000000";

    /// <summary>
    /// <c>c000000</c> → <c>c000001</c> → … → the last, which reads <c>user.tier</c>; the variable <c>chain</c> is on when
    /// <c>c000000</c> holds. <paramref name="qualifiers"/> counts every qualifier of the chain.
    /// </summary>
    private static TempWorkspace Chain(int qualifiers)
    {
        var workspace = new TempWorkspace()
            .Write("schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object","properties":{"tier":{"type":"string"}}}}}""")
            .Write("variables/chain.toml", "schema_version = 1\ntype = \"bool\"\n[values]\non = true\noff = false\n[resolve]\ndefault = \"off\"\n[[resolve.rule]]\nqualifier = \"c000000\"\nvalue = \"on\"\n");
        for (var i = 0; i < qualifiers - 1; i++)
        {
            workspace.Qualifier($"c{i:D6}", ($"qualifier.c{i + 1:D6}", "eq", "true"));
        }
        return workspace.Qualifier($"c{qualifiers - 1:D6}", ("user.tier", "eq", "\"premium\""));
    }

    [Fact]
    public void A_chain_of_64_qualifiers_lints_clean_and_resolves()
    {
        using var workspace = Chain(64);

        Assert.DoesNotContain(OtherFixtureLintTests.LintDirectory(workspace.Root).Diagnostics, d => d.Severity == LintSeverity.Error);
        Assert.True(Compiled.Open(workspace.Root).ResolveVariable("chain", ResolveContext.FromJson("""{"user":{"tier":"premium"}}""")).GetValue<bool>());
    }

    [Fact]
    public void A_chain_of_65_qualifiers_is_a_lint_error_at_its_first_qualifier_and_does_not_compile()
    {
        using var workspace = Chain(65);

        var diagnostic = Assert.Single(OtherFixtureLintTests.LintDirectory(workspace.Root).Diagnostics, d => d.Rule == "rototo/qualifier-reference-depth");
        Assert.Equal((LintSeverity.Error, Expected, "qualifiers/c000000.toml"), (diagnostic.Severity, diagnostic.Message, diagnostic.Location.Path));
        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root));
        Assert.Equal((Expected, "qualifiers/c000000.toml"), (error.Message, error.Location));
    }

    [Fact]
    public void Lint_walks_a_chain_of_5000_qualifiers_without_recursion()
    {
        // On a thread with a 256 KiB stack, a recursive walk of this chain overflows (and ends the test host): a frame of
        // a recursive walk takes well over 52 bytes. 5,000 files stay under the workspace's 10,000-entry limit.
        using var workspace = Chain(5_000);
        WorkspaceLint? lint = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                lint = OtherFixtureLintTests.LintDirectory(workspace.Root);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024);

        thread.Start();
        thread.Join();

        Assert.Null(failure);

        Assert.Contains(lint!.Diagnostics, d => d.Rule == "rototo/qualifier-reference-depth");
        Assert.DoesNotContain(lint.Diagnostics, d => d.Rule == "rototo/qualifier-cycle");
    }
}
