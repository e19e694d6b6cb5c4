using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rototo.Cli.Output;

namespace Rototo.Cli.Commands;

/// <summary>
/// <c>rototo docs [-p PAGE_PREFIX] [-s REGEX] [--export [DIR]] [--package-readme dotnet --out FILE]</c> (§15): the bundled
/// user guides. No option prints the index (<c>{sections[{title, pages[{id, title}]}]}</c> with <c>--json</c>); <c>-p</c>
/// prints the one page whose id is or starts with the prefix (none or several: exit 1); <c>-s</c> prints the lines that
/// match a regular expression as <c>{page}:{line}: {text}</c>; <c>--export</c> writes every page as <c>{id}.md</c> plus
/// <c>index.md</c> into a folder (default <c>site</c>); <c>--package-readme</c> writes a package's README.
/// </summary>
internal static class DocsCommand
{
    public static Command Create(CliContext cli)
    {
        var page = new Option<string?>("--page", "-p") { Description = "Print the page whose id starts with this prefix" };
        var search = new Option<string?>("--search", "-s") { Description = "Print the lines matching this regular expression" };
        var export = new Option<string?>("--export") { Description = "Write every page as markdown into this folder (default: site)", Arity = ArgumentArity.ZeroOrOne };
        var readme = new Option<string?>("--package-readme") { Description = "Write the README of a package (dotnet)" };
        var output = new Option<string?>("--out") { Description = "File for --package-readme" };
        var command = new Command("docs", "Read the bundled documentation") { page, search, export, readme, output };
        command.SetAction(parse =>
        {
            var terminal = cli.Terminal;
            if (parse.GetValue(readme) is { } package)
            {
                return PackageReadme(terminal, package, parse.GetValue(output), parse.GetValue(cli.Quiet));
            }
            if (parse.GetResult(export) is not null)
            {
                return Export(terminal, parse.GetValue(export) ?? "site", parse.GetValue(cli.Quiet));
            }
            if (parse.GetValue(page) is { } prefix)
            {
                var exact = BundledDocs.Pages.Where(p => p.Id == prefix).ToList();
                var matches = exact.Count == 1 ? exact : [.. BundledDocs.Pages.Where(p => p.Id.StartsWith(prefix, StringComparison.Ordinal))];
                return matches.Count switch
                {
                    0 => throw CliError.NotFound("docs page", prefix, BundledDocs.Pages.Select(p => p.Id)),
                    1 => Print(terminal, matches[0].Markdown),
                    _ => terminal.Fail($"docs page prefix is ambiguous: {prefix} (matches {string.Join(", ", matches.Select(m => m.Id))})"),
                };
            }
            if (parse.GetValue(search) is { } pattern)
            {
                return Search(terminal, pattern);
            }
            if (parse.GetValue(cli.Json))
            {
                terminal.WriteJson(Index());
                return 0;
            }
            foreach (var section in BundledDocs.Sections)
            {
                terminal.Out.WriteLine(section.Title);
                var width = section.Pages.Max(p => p.Id.Length);
                foreach (var p in section.Pages)
                {
                    terminal.Out.WriteLine($"  {p.Id.PadRight(width)}  {p.Title}");
                }
            }
            return 0;
        });
        return command;
    }

    private static JsonObject Index() => new()
    {
        ["sections"] = new JsonArray([.. BundledDocs.Sections.Select(s => (JsonNode)new JsonObject
        {
            ["title"] = s.Title,
            ["pages"] = new JsonArray([.. s.Pages.Select(p => (JsonNode)new JsonObject { ["id"] = p.Id, ["title"] = p.Title })]),
        })]),
    };

    private static int Print(Terminal terminal, string text)
    {
        terminal.Out.Write(text);
        return 0;
    }

    private static int Search(Terminal terminal, string pattern)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(2));
        }
        catch (ArgumentException e)
        {
            return terminal.Fail($"invalid search pattern: {e.Message}");
        }
        foreach (var p in BundledDocs.Pages)
        {
            var lines = p.Markdown.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (regex.IsMatch(lines[i]))
                {
                    terminal.Out.WriteLine($"{p.Id}:{i + 1}: {lines[i]}");
                }
            }
        }
        return 0;
    }

    private static int Export(Terminal terminal, string directory, bool quiet)
    {
        Directory.CreateDirectory(directory);
        var index = new System.Text.StringBuilder("# rototo documentation\n");
        foreach (var section in BundledDocs.Sections)
        {
            index.Append($"\n## {section.Title}\n\n");
            foreach (var p in section.Pages)
            {
                File.WriteAllText(Path.Combine(directory, p.Id + ".md"), p.Markdown);
                index.Append($"- [{p.Title}]({p.Id}.md)\n");
            }
        }
        File.WriteAllText(Path.Combine(directory, "index.md"), index.ToString());
        if (!quiet)
        {
            terminal.Out.WriteLine($"exported {BundledDocs.Pages.Count()} pages to {directory}");
        }
        return 0;
    }

    private static int PackageReadme(Terminal terminal, string package, string? output, bool quiet)
    {
        if (package != "dotnet")
        {
            // rototo bundles its Python package's README; this implementation ships no Python package.
            return terminal.Fail($"no package readme for: {package} (available: dotnet)");
        }
        if (output is null)
        {
            return terminal.Fail("--package-readme requires --out FILE");
        }
        var library = BundledDocs.Pages.First();
        File.WriteAllText(output, $"# Rototo for .NET\n\n{library.Markdown}");
        if (!quiet)
        {
            terminal.Out.WriteLine($"wrote {output}");
        }
        return 0;
    }
}
