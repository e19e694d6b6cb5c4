using Rototo.Lint;

namespace Rototo.Tests.Lint;

/// <summary>
/// A diagnostic written down as one comparable line: <c>rule sev stage entity-json path range [related...]</c>,
/// the fields rototo's exact-set comparison looks at (rototo-acceptance.md G). Ranges are <c>sL:sC-eL:eC</c> or <c>doc</c>.
/// </summary>
internal static class DiagnosticShape
{
    /// <summary>The expected form of one diagnostic.</summary>
    /// <param name="rule">Rule id without the <c>rototo/</c> prefix for built-ins, or a full custom id containing '/'.</param>
    /// <param name="severity"><c>E</c> or <c>W</c>.</param>
    /// <param name="stage">Stage wire name.</param>
    /// <param name="entity">Entity as compact JSON.</param>
    /// <param name="path">Primary location path.</param>
    /// <param name="range"><c>sL:sC-eL:eC</c> or <c>doc</c>.</param>
    /// <param name="related">Related items as <c>path range message</c>.</param>
    /// <returns>The comparable line.</returns>
    public static string Expect(string rule, string severity, string stage, string entity, string path, string range, params string[] related)
    {
        var fullRule = rule.Contains('/', StringComparison.Ordinal) ? rule : "rototo/" + rule;
        var sev = severity == "E" ? "error" : "warning";
        return $"{fullRule} {sev} {stage} {entity} {path} {range}" + string.Concat(related.Select(r => " | " + r));
    }

    /// <summary>The comparable line of an actual diagnostic.</summary>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <returns>The line.</returns>
    public static string Of(LintDiagnostic diagnostic) =>
        $"{diagnostic.Rule} {diagnostic.Severity.ToWireName()} {diagnostic.Stage.ToWireName()} {diagnostic.Entity.ToJson().ToJsonString()} {diagnostic.Location.Path} {Range(diagnostic.Location)}"
        + string.Concat(diagnostic.Related.Select(r => $" | {r.Location.Path} {Range(r.Location)} {r.Message}"));

    private static string Range(DiagnosticLocation location) =>
        location.Range is { } r ? $"{r.Start.Line}:{r.Start.Character}-{r.End.Line}:{r.End.Character}" : "doc";

    /// <summary>Asserts that two multisets of lines are equal, showing both sorted on failure.</summary>
    /// <param name="expected">Expected lines.</param>
    /// <param name="actual">Actual diagnostics.</param>
    public static void AssertSameSet(IEnumerable<string> expected, IEnumerable<LintDiagnostic> actual)
    {
        var want = expected.Order(StringComparer.Ordinal).ToList();
        var got = actual.Select(Of).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(string.Join('\n', want), string.Join('\n', got));
    }
}
