using System.Text;
using System.Text.Json;
using Rototo.Text;
using Rototo.Toml;

namespace Rototo.Discovery;

/// <summary>
/// One file of a workspace as discovered and parsed: its kind, id, paths, text and parsed content.
/// Parse failures are kept (<see cref="Error"/>) so that lint can report them.
/// </summary>
internal sealed class WorkspaceDocument
{
    public required int DocId { get; init; }

    public required DocumentKind Kind { get; init; }

    /// <summary>Entity id: file stem for qualifiers, variables, resources, linters and objects (the object key).</summary>
    public required string Id { get; init; }

    /// <summary>For resource objects: the owning resource id.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Path relative to the workspace root with '/' separators (<c>qualifiers/premium-users.toml</c>).</summary>
    public required string RelativePath { get; init; }

    public required string FullPath { get; init; }

    public string Uri => FileUri(FullPath);

    /// <summary>The file text, or null when it could not be read.</summary>
    public string? Text { get; init; }

    public SourceText? Source { get; init; }

    /// <summary>The read or parse failure message, when the document did not parse.</summary>
    public string? Error { get; set; }

    /// <summary>Where the parse failure is, if known.</summary>
    public TextSpan? ErrorSpan { get; set; }

    /// <summary>Parsed TOML root (TOML documents that parsed).</summary>
    public TomlTableNode? Toml { get; set; }

    /// <summary>Parsed JSON (schema documents that parsed).</summary>
    public JsonElement? Json { get; set; }

    public bool Parsed => Error is null;

    /// <summary><c>file://</c> + absolute path, percent-encoding every byte outside <c>A-Za-z0-9/.-_~:</c> (§2.1).</summary>
    public static string FileUri(string absolutePath)
    {
        var builder = new StringBuilder("file://");
        foreach (var b in Encoding.UTF8.GetBytes(absolutePath))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '~' or ':')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
