using Rototo.Lint;
using Rototo.Text;

namespace Rototo.Tests.Lint;

/// <summary>
/// What lint keeps of many diagnostics (<see cref="DiagnosticCollector"/>, pure logic): the first <c>capacity</c> in
/// rototo's order whatever order they are reported in, within 32 Mi characters of messages, every selected one counted.
/// </summary>
public sealed class DiagnosticCollectorTests
{
    [Fact]
    public void Keeps_the_first_in_rototo_order_when_they_are_reported_last_first()
    {
        var collector = new DiagnosticCollector(3);

        // Lines 99 … 0 of one file: the collector holds 6 at most and sorts down to 3 each time it reaches 6.
        for (var line = 99; line >= 0; line--)
        {
            collector.Add(At("variables/a.toml", line, line % 2 == 0 ? LintSeverity.Error : LintSeverity.Warning));
        }

        Assert.Equal([0, 1, 2], collector.Sorted().Select(d => d.Location.Range!.Value.Start.Line));
        Assert.Equal((50, 50), (collector.Errors, collector.Warnings));
    }

    [Fact]
    public void Counts_and_keeps_only_what_it_selects()
    {
        var collector = new DiagnosticCollector(2, d => d.Severity == LintSeverity.Error);

        collector.Add(At("b.toml", 0, LintSeverity.Warning));
        collector.Add(At("b.toml", 1, LintSeverity.Error));
        collector.Add(At("a.toml", 5, LintSeverity.Error));
        collector.Add(At("a.toml", 7, LintSeverity.Error));

        Assert.Equal([("a.toml", 5), ("a.toml", 7)], collector.Sorted().Select(d => (d.Location.Path, d.Location.Range!.Value.Start.Line)));
        Assert.Equal((3, 0), (collector.Errors, collector.Warnings));
    }

    [Fact]
    public void Capacity_zero_counts_without_keeping()
    {
        var collector = new DiagnosticCollector(0);

        collector.Add(At("a.toml", 0, LintSeverity.Error));

        Assert.Empty(collector.Sorted());
        Assert.Equal(1, collector.Errors);
    }

    [Fact]
    public void Keeps_no_more_than_32_Mi_characters_of_messages()
    {
        var collector = new DiagnosticCollector(10);
        var twelveMi = new string('x', 12 * 1024 * 1024);

        // Reported last first: lines 3, 2, 1, 0 of 12 Mi characters each. Lines 0 and 1 (24 Mi) fit in 32 Mi; line 2 would
        // make 36 Mi. The fourth report reaches 48 Mi, twice the bound, and the collector sorts down at once.
        for (var line = 3; line >= 0; line--)
        {
            collector.Add(At("a.toml", line, LintSeverity.Warning, twelveMi));
        }

        Assert.Equal([0, 1], collector.Sorted().Select(d => d.Location.Range!.Value.Start.Line));
        Assert.Equal(4, collector.Warnings);
    }

    [Fact]
    public void Errors_first_order_keeps_an_error_that_comes_after_more_warnings_than_the_capacity()
    {
        var collector = new DiagnosticCollector(2, order: DiagnosticOrder.ErrorsFirst);

        // Warnings on lines 0 … 9, then an error on line 20: in rototo's order the first two are both warnings.
        for (var line = 0; line < 10; line++)
        {
            collector.Add(At("a.toml", line, LintSeverity.Warning));
        }
        collector.Add(At("a.toml", 20, LintSeverity.Error));

        Assert.Equal([(20, LintSeverity.Error), (0, LintSeverity.Warning)], collector.Sorted().Select(d => (d.Location.Range!.Value.Start.Line, d.Severity)));
        Assert.Equal((1, 10), (collector.Errors, collector.Warnings));
    }

    [Fact]
    public void Lowering_the_capacity_drops_at_once_and_later_reports_still_come_first_in_order()
    {
        var collector = new DiagnosticCollector(10);
        for (var line = 9; line >= 5; line--)
        {
            collector.Add(At("a.toml", line, LintSeverity.Warning));
        }

        collector.Lower(2, DiagnosticCollector.MaxKeptMessageChars);
        Assert.Equal(2, collector.Held);
        collector.Add(At("a.toml", 0, LintSeverity.Warning));

        Assert.Equal([0, 5], collector.Sorted().Select(d => d.Location.Range!.Value.Start.Line));
        Assert.Equal(6, collector.Warnings);
    }

    private static LintDiagnostic At(string path, int line, LintSeverity severity, string? message = null)
    {
        var range = new TextRange(new TextPosition(line, 0), new TextPosition(line, 1));
        return new LintDiagnostic("rototo/test", severity, LintStage.Graph, DiagnosticEntity.Workspace, message ?? $"line {line}", "help", new DiagnosticLocation(path, range), []);
    }
}
