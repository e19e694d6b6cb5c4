namespace Rototo.Cli.Output;

/// <summary>
/// Console output: colour for people on a terminal, plain text when redirected or NO_COLOR is set; extras meant for
/// people only (source snippets under lint diagnostics) only when the output is a terminal.
/// </summary>
internal sealed class Terminal(TextWriter output, TextWriter error, bool color, bool interactive)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>True when standard output is a terminal, not a pipe or file that a script reads.</summary>
    public bool Interactive { get; } = interactive;

    public static Terminal FromConsole() => new(Console.Out, Console.Error,
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null, !Console.IsOutputRedirected);

    public string Paint(string text, TerminalColor tone) => !color ? text : tone switch
    {
        TerminalColor.Error => $"\u001b[31;1m{text}\u001b[0m",
        TerminalColor.Warning => $"\u001b[33;1m{text}\u001b[0m",
        TerminalColor.Success => $"\u001b[32m{text}\u001b[0m",
        TerminalColor.Label => $"\u001b[36m{text}\u001b[0m",
        _ => $"\u001b[2m{text}\u001b[0m",
    };

    public void WriteJson(System.Text.Json.Nodes.JsonNode node) => Out.WriteLine(Json.SerdeJson.Pretty(node));

    /// <summary>
    /// Prints <c>error: {message}</c> (then <c>  --> {location}</c> when known, then each note line) on stderr; returns
    /// exit code 1.
    /// </summary>
    public int Fail(string message, string? location = null, IReadOnlyList<string>? notes = null)
    {
        Error.WriteLine($"{Paint("error", TerminalColor.Error)}: {message}");
        if (location is not null)
        {
            Error.WriteLine($"  {Paint("-->", TerminalColor.Dim)} {location}");
        }
        foreach (var note in notes ?? [])
        {
            Error.WriteLine(note);
        }
        return 1;
    }
}

internal enum TerminalColor
{
    Error,
    Warning,
    Success,
    Label,
    Dim,
}
