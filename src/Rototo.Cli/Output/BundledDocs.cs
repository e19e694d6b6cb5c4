using System.Reflection;
using System.Text;

namespace Rototo.Cli.Output;

/// <summary>One page of the bundled docs: a <c>##</c> section of one of the user guides.</summary>
/// <param name="Id">Page id, the section title as a slug (<c>custom-lua-lint</c>).</param>
/// <param name="Title">The section title.</param>
/// <param name="Markdown">The page, its heading included.</param>
internal sealed record DocsPage(string Id, string Title, string Markdown);

/// <summary>A group of pages: one user guide, titled by its <c>#</c> heading.</summary>
/// <param name="Title">The guide's title.</param>
/// <param name="Pages">Its pages in order.</param>
internal sealed record DocsSection(string Title, IReadOnlyList<DocsPage> Pages);

/// <summary>
/// The user guides shipped inside the <c>rototo</c> tool (<c>docs/rototo.md</c>, <c>docs/rototo-sources.md</c>, embedded
/// at build time), split into pages at their <c>##</c> headings (headings inside fenced code blocks do not count).
/// </summary>
internal static class BundledDocs
{
    private static readonly string[] Guides = ["Rototo.Cli.Docs.rototo.md", "Rototo.Cli.Docs.rototo-sources.md"];

    public static IReadOnlyList<DocsSection> Sections { get; } = [.. Guides.Select(Load)];

    public static IEnumerable<DocsPage> Pages => Sections.SelectMany(s => s.Pages);

    private static DocsSection Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"bundled docs resource missing: {resource}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var title = "";
        var pages = new List<DocsPage>();
        StringBuilder? page = null;
        string? pageTitle = null;
        var fenced = false;
        void Close()
        {
            if (page is not null && pageTitle is not null)
            {
                pages.Add(new DocsPage(Slug(pageTitle), pageTitle, page.ToString().TrimEnd() + "\n"));
            }
        }
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
            }
            if (!fenced && line.StartsWith("# ", StringComparison.Ordinal) && title.Length == 0)
            {
                title = line[2..].Trim();
                continue;
            }
            if (!fenced && line.StartsWith("## ", StringComparison.Ordinal))
            {
                Close();
                pageTitle = line[3..].Trim();
                page = new StringBuilder();
            }
            page?.Append(line).Append('\n');
        }
        Close();
        return new DocsSection(title, pages);
    }

    /// <summary>Lower-case letters and digits, other runs as one hyphen: <c>Language server (`rototo lsp`)</c> → <c>language-server-rototo-lsp</c>.</summary>
    private static string Slug(string title)
    {
        var builder = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        return builder.ToString().TrimEnd('-');
    }
}
