using Rototo.LanguageServer;
using Rototo.Lint;
using Rototo.Text;

namespace Rototo.Tests.LanguageServer;

/// <summary>
/// What the language server keeps of many diagnostics (<see cref="FileDiagnosticCollector"/>, pure logic): each file's
/// first 1,000, and over 50,000 diagnostics or 32 Mi characters of messages in all an equal share a file.
/// </summary>
public sealed class FileDiagnosticCollectorTests
{
    [Fact]
    public void Past_twice_50_000_while_lint_runs_every_file_is_lowered_and_keeps_its_first_of_an_equal_share()
    {
        var collector = new FileDiagnosticCollector(l => l.Path);

        // 120 files of 1,000 warnings each, reported last line first. At the 100,000th report (files 0-99 hold 1,000
        // each) every file is lowered to 50,000 / 100 = 500; when lint ends the 120 files hold 500 each, 60,000, and are
        // lowered to 50,000 / 120 = 416: lines 0-415 kept, 584 counted, as if all had been held until the end.
        for (var file = 0; file < 120; file++)
        {
            for (var line = 999; line >= 0; line--)
            {
                collector.Add(At($"f{file:D3}.toml", line, LintSeverity.Warning));
            }
        }

        var files = collector.Files().ToList();
        Assert.Equal(120, files.Count);
        Assert.All(files, f =>
        {
            Assert.Equal(Enumerable.Range(0, 416), f.Kept.Select(d => d.Location.Range!.Value.Start.Line));
            Assert.Equal((0, 584), (f.ErrorsNotShown, f.WarningsNotShown));
        });
    }

    [Fact]
    public void Past_32_Mi_characters_in_all_files_of_long_messages_keep_none_and_a_file_of_short_ones_keeps_its_own()
    {
        var collector = new FileDiagnosticCollector(l => l.Path);
        var twentyMi = new string('x', 20 * 1024 * 1024);

        // 40 Mi characters and 1: the equal share of 32 Mi is (32 Mi - 1) / 2 characters each for a.toml and b.toml,
        // less than either's one message; c.toml's one character fits.
        collector.Add(At("a.toml", 0, LintSeverity.Warning, twentyMi));
        collector.Add(At("b.toml", 0, LintSeverity.Error, twentyMi));
        collector.Add(At("c.toml", 3, LintSeverity.Warning, "x"));

        var files = collector.Files().ToDictionary(f => f.File);
        Assert.Equal((0, 0, 1), (files["a.toml"].Kept.Count, files["a.toml"].ErrorsNotShown, files["a.toml"].WarningsNotShown));
        Assert.Equal((0, 1, 0), (files["b.toml"].Kept.Count, files["b.toml"].ErrorsNotShown, files["b.toml"].WarningsNotShown));
        Assert.Equal(3, Assert.Single(files["c.toml"].Kept).Location.Range!.Value.Start.Line);
    }

    private static LintDiagnostic At(string path, int line, LintSeverity severity, string? message = null)
    {
        var range = new TextRange(new TextPosition(line, 0), new TextPosition(line, 1));
        return new LintDiagnostic("rototo/test", severity, LintStage.Graph, DiagnosticEntity.Workspace, message ?? $"line {line}", "help", new DiagnosticLocation(path, range), []);
    }
}
