using Rototo.Discovery;
using Rototo.Lint;
using Rototo.Sources;

namespace Rototo.Cli.Output;

/// <summary>
/// The human form of lint diagnostics: rototo's headline <c>{severity}[{rule}]: {path:line:col}: {message}</c>, then
/// <c>help</c> and <c>note</c> lines (§9.7). On a terminal, a ranged location also gets its source line with a caret
/// underline under the range, between the headline and <c>help</c>; redirected output is exactly rototo's.
/// </summary>
internal sealed class DiagnosticPrinter(Terminal terminal, string root, WorkspaceSourceOptions options)
{
    private readonly Dictionary<string, string[]?> _lines = new(StringComparer.Ordinal);

    /// <summary>Prints one diagnostic.</summary>
    /// <param name="diagnostic">The diagnostic.</param>
    public void Write(LintDiagnostic diagnostic)
    {
        var output = terminal.Out;
        var severity = diagnostic.Severity.ToWireName();
        var tone = diagnostic.Severity == LintSeverity.Error ? TerminalColor.Error : TerminalColor.Warning;
        output.WriteLine($"{terminal.Paint($"{severity}[{diagnostic.Rule}]", tone)}: {diagnostic.Location}: {diagnostic.Message}");
        if (terminal.Interactive)
        {
            WriteSource(diagnostic.Location, tone);
        }
        output.WriteLine($"  {terminal.Paint("help", TerminalColor.Label)}: {diagnostic.Help}");
        foreach (var related in diagnostic.Related)
        {
            output.WriteLine($"  {terminal.Paint("note", TerminalColor.Label)}: {related.Location}: {related.Message}");
        }
    }

    /// <summary>
    /// <code>
    ///    |
    ///  8 | default = "missing"
    ///    |           ^^^^^^^^^
    /// </code>
    /// A range over several lines is underlined to the end of its first line; an empty one gets one caret.
    /// </summary>
    private void WriteSource(DiagnosticLocation location, TerminalColor tone)
    {
        if (location.Range is not { } range || Lines(location.Path) is not { } lines || range.Start.Line >= lines.Length)
        {
            return;
        }
        var text = lines[range.Start.Line].TrimEnd('\r');
        var start = Math.Min(range.Start.Character, text.Length);
        var end = range.End.Line == range.Start.Line ? Math.Min(range.End.Character, text.Length) : text.Length;
        var number = (range.Start.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gutter = new string(' ', number.Length + 1);
        var bar = terminal.Paint("|", TerminalColor.Dim);
        terminal.Out.WriteLine($"{gutter}{bar}");
        terminal.Out.WriteLine($"{terminal.Paint(number, TerminalColor.Dim)} {bar} {text}");
        var padding = string.Concat(text.AsSpan(0, start).ToArray().Select(c => c == '\t' ? '\t' : ' '));
        terminal.Out.WriteLine($"{gutter}{bar} {padding}{terminal.Paint(new string('^', Math.Max(1, end - start)), tone)}");
    }

    private string[]? Lines(string path)
    {
        if (!_lines.TryGetValue(path, out var lines))
        {
            try
            {
                lines = WorkspaceFiles.ReadText(root, Path.Combine(root, path), options.MaxFileBytes).Split('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                lines = null;
            }
            _lines[path] = lines;
        }
        return lines;
    }
}
