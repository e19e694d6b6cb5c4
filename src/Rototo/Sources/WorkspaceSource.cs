using System.Text.RegularExpressions;

namespace Rototo.Sources;

/// <summary>The forms a workspace source string can take (§12.1).</summary>
public enum WorkspaceSourceKind
{
    /// <summary>A directory path, relative to the current directory or absolute.</summary>
    LocalPath,

    /// <summary><c>file:///abs/path</c>.</summary>
    FileUri,

    /// <summary><c>git+file://</c>, <c>git+https://</c> or <c>git+ssh://</c> with an optional <c>#ref:subdir</c> fragment.</summary>
    Git,

    /// <summary><c>https://…/workspace.tar.gz</c> with an optional <c>#:subdir</c> fragment.</summary>
    HttpsArchive,
}

/// <summary>
/// A parsed workspace source string (§12.1). Parsing applies every rule rototo applies before fetching anything,
/// with rototo's messages.
/// </summary>
/// <param name="Original">The source string as given.</param>
/// <param name="Kind">Which form it is.</param>
/// <param name="Location">The local path, or the URL without fragment (for git: the URL git clones, without <c>git+</c>).</param>
/// <param name="Ref">Git ref (branch, tag or 40-hex commit), if any.</param>
/// <param name="Subdirectory">Subdirectory inside the fetched tree, if any.</param>
public sealed partial record WorkspaceSource(string Original, WorkspaceSourceKind Kind, string Location, string? Ref, string? Subdirectory)
{
    /// <summary>True when <see cref="Ref"/> is a full 40-hex commit id: the source then never changes.</summary>
    public bool IsPinnedCommit => Ref is not null && FullCommit().IsMatch(Ref);

    /// <summary>Parses a source string.</summary>
    /// <param name="source">The source, e.g. <c>examples/basic</c>, <c>file:///srv/ws</c>, <c>git+https://host/repo.git#main:config</c>.</param>
    /// <returns>The parsed source.</returns>
    /// <exception cref="RototoException">The string is not an accepted source form; the message is rototo's.</exception>
    public static WorkspaceSource Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var separator = source.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            return new WorkspaceSource(source, WorkspaceSourceKind.LocalPath, source, null, null);
        }
        var scheme = source[..separator].ToLowerInvariant();
        var rest = source[(separator + 3)..];
        if (scheme.Length == 0 || rest.Length == 0)
        {
            throw Invalid($"workspace source URI is invalid: {source}");
        }
        string? fragment = null;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            fragment = rest[(hash + 1)..];
            rest = rest[..hash];
            if (rest.Length == 0)
            {
                throw Invalid($"workspace source URI is invalid: {source}");
            }
        }
        var (reference, subdirectory) = SplitFragment(fragment);

        switch (scheme)
        {
            case "file":
                if (fragment is not null)
                {
                    throw Invalid("file:// workspace sources do not support fragments");
                }
                return new WorkspaceSource(source, WorkspaceSourceKind.FileUri, Uri.UnescapeDataString(rest), null, null);
            case "https":
                if (reference is not null)
                {
                    throw Invalid("https workspace sources only support #:subdir fragments");
                }
                return new WorkspaceSource(source, WorkspaceSourceKind.HttpsArchive, $"https://{rest}", null, subdirectory);
            case "http":
                throw Invalid("http:// workspace sources are not supported; use https://");
            case "git+file" or "git+https" or "git+ssh":
                if (reference is not null && reference.StartsWith('-'))
                {
                    throw Invalid($"git workspace ref must not begin with '-': {reference}");
                }
                return new WorkspaceSource(source, WorkspaceSourceKind.Git, $"{scheme[4..]}://{rest}", reference, subdirectory);
            default:
                if (scheme.StartsWith("git+", StringComparison.Ordinal))
                {
                    throw Invalid($"git workspace source scheme is not supported: {scheme}");
                }
                throw Invalid($"workspace source scheme is not supported: {scheme}");
        }
    }

    private static (string? Ref, string? Subdirectory) SplitFragment(string? fragment)
    {
        if (fragment is null)
        {
            return (null, null);
        }
        var colon = fragment.IndexOf(':', StringComparison.Ordinal);
        var reference = colon < 0 ? fragment : fragment[..colon];
        var subdirectory = colon < 0 ? null : fragment[(colon + 1)..];
        return (reference.Length == 0 ? null : reference, string.IsNullOrEmpty(subdirectory) ? null : subdirectory);
    }

    private static RototoException Invalid(string message) => new(RototoErrorCode.Source, message);

    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex FullCommit();
}
