using System.Text.Json;
using Rototo.Json;
using Rototo.Sources;
using Rototo.Text;
using Rototo.Toml;

namespace Rototo.Discovery;

/// <summary>The files of a workspace, discovered and parsed (§2.1), or why discovery stopped.</summary>
internal sealed class WorkspaceSnapshot
{
    public const string ManifestFileName = "rototo-workspace.toml";
    public const string ContextSchemaPath = "schemas/context.schema.json";

    /// <summary>The root as given (used for workspace-level locations when it cannot be canonicalised).</summary>
    public required string GivenRoot { get; init; }

    /// <summary>The canonical root, or null when discovery failed.</summary>
    public string? Root { get; init; }

    public List<WorkspaceDocument> Documents { get; } = [];

    /// <summary>Set when discovery stopped: the rule id suffix and message (workspace-not-found / workspace-manifest-missing).</summary>
    public (string Rule, string Message)? DiscoveryFailure { get; init; }

    public WorkspaceDocument? Manifest => Documents.FirstOrDefault(d => d.Kind == DocumentKind.Manifest);

    public IEnumerable<WorkspaceDocument> OfKind(DocumentKind kind) => Documents.Where(d => d.Kind == kind);

    public WorkspaceDocument? FindByPath(string relativePath) => Documents.FirstOrDefault(d => d.RelativePath == relativePath);
}

/// <summary>Finds and parses the files of a workspace directory, in rototo's discovery order (§2.1).</summary>
internal static class WorkspaceDiscovery
{
    /// <summary>Discovers the workspace at <paramref name="root"/>.</summary>
    /// <param name="root">Workspace directory as given.</param>
    /// <param name="options">The limits: a file over <see cref="WorkspaceSourceOptions.MaxFileBytes"/> is not read (its document's error says so);
    /// the entries listed in the workspace's folders and the bytes of the files read count against
    /// <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/> and <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>, wherever the
    /// workspace lies (a local folder read in place has no staging that would count them).</param>
    /// <param name="overlay">Unsaved editor text by absolute file path (the LSP), read instead of the file; null reads the disk.</param>
    /// <exception cref="RototoException">Over a limit: <c>workspace folder contains too many entries: exceeded limit of {n}</c>,
    /// <c>workspace folder is too large: exceeded limit of {n} bytes</c>.</exception>
    public static WorkspaceSnapshot Discover(string root, WorkspaceSourceOptions options, IReadOnlyDictionary<string, string>? overlay = null)
    {
        var reading = new Reading(overlay, options.MaxFileBytes, new StagingBudget(options, "folder"));
        string canonical;
        try
        {
            canonical = PathResolution.Canonicalize(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new WorkspaceSnapshot { GivenRoot = root, DiscoveryFailure = ("workspace-not-found", e.Message) };
        }
        if (!Directory.Exists(canonical))
        {
            return new WorkspaceSnapshot { GivenRoot = root, DiscoveryFailure = ("workspace-not-found", "workspace path is not a directory") };
        }
        var manifestPath = Path.Combine(canonical, WorkspaceSnapshot.ManifestFileName);
        if (!IsFileEntry(manifestPath))
        {
            return new WorkspaceSnapshot { GivenRoot = root, Root = canonical, DiscoveryFailure = ("workspace-manifest-missing", "workspace manifest is missing") };
        }

        var snapshot = new WorkspaceSnapshot { GivenRoot = root, Root = canonical };
        Add(snapshot, reading, DocumentKind.Manifest, "rototo-workspace", WorkspaceSnapshot.ManifestFileName);
        AddDirectory(snapshot, reading, "qualifiers", ".toml", DocumentKind.Qualifier);
        AddDirectory(snapshot, reading, "variables", ".toml", DocumentKind.Variable);
        foreach (var resource in ListFiles(canonical, "resources", ".toml", reading.Budget))
        {
            var id = Path.GetFileNameWithoutExtension(resource);
            Add(snapshot, reading, DocumentKind.Resource, id, "resources/" + resource);
            foreach (var obj in ListFiles(canonical, $"resources/{id}-objects", ".toml", reading.Budget))
            {
                Add(snapshot, reading, DocumentKind.ResourceObject, Path.GetFileNameWithoutExtension(obj), $"resources/{id}-objects/{obj}", id);
            }
        }
        AddDirectory(snapshot, reading, "schemas", ".json", DocumentKind.Schema);
        AddDirectory(snapshot, reading, "lint", ".lua", DocumentKind.CustomLint);
        AddOverlayDocuments(snapshot, reading);
        return snapshot;
    }

    /// <summary>
    /// Editor documents whose files are not on disk yet, after everything discovered (§2.1), in byte order of path:
    /// each takes the kind and id its path would give it on disk; other paths are not workspace documents.
    /// </summary>
    private static void AddOverlayDocuments(WorkspaceSnapshot snapshot, Reading reading)
    {
        if (reading.Overlay is not { } overlay)
        {
            return;
        }
        var root = snapshot.Root!;
        var discovered = snapshot.Documents.Select(d => d.FullPath).ToHashSet(StringComparer.Ordinal);
        var resources = snapshot.OfKind(DocumentKind.Resource).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var unsaved = overlay.Keys
            .Where(path => !discovered.Contains(path) && !File.Exists(path) && PathResolution.IsInside(root, path))
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        unsaved.Sort(Json.Utf8Order.Instance);
        foreach (var relative in unsaved)
        {
            if (KindOf(relative, resources) is { } document)
            {
                Add(snapshot, reading, document.Kind, document.Id, relative, document.ResourceId);
            }
        }
    }

    /// <summary>The kind and id a workspace-relative path names (§2.1), or null when it is not a workspace document.</summary>
    private static (DocumentKind Kind, string Id, string? ResourceId)? KindOf(string relative, HashSet<string> resources)
    {
        static string? Stem(string file, string extension) => file.Length > extension.Length && file.EndsWith(extension, StringComparison.Ordinal) ? file[..^extension.Length] : null;

        return relative.Split('/') switch
        {
            ["qualifiers", var file] when Stem(file, ".toml") is { } id => (DocumentKind.Qualifier, id, null),
            ["variables", var file] when Stem(file, ".toml") is { } id => (DocumentKind.Variable, id, null),
            ["resources", var file] when Stem(file, ".toml") is { } id => (DocumentKind.Resource, id, null),
            ["resources", var folder, var file] when Stem(folder, "-objects") is { } resource && resources.Contains(resource) && Stem(file, ".toml") is { } id => (DocumentKind.ResourceObject, id, resource),
            ["schemas", var file] when Stem(file, ".json") is { } id => (DocumentKind.Schema, id, null),
            ["lint", var file] when Stem(file, ".lua") is { } id => (DocumentKind.CustomLint, id, null),
            _ => null,
        };
    }

    private static void AddDirectory(WorkspaceSnapshot snapshot, Reading reading, string directory, string extension, DocumentKind kind)
    {
        foreach (var file in ListFiles(snapshot.Root!, directory, extension, reading.Budget))
        {
            var id = kind == DocumentKind.Schema ? file[..^extension.Length] : Path.GetFileNameWithoutExtension(file);
            Add(snapshot, reading, kind, id, $"{directory}/{file}");
        }
    }

    /// <summary>Direct children with the exact extension that are files or links to files, sorted by byte order; every child listed counts against <paramref name="budget"/>.</summary>
    private static List<string> ListFiles(string root, string directory, string extension, StagingBudget budget)
    {
        var full = Path.Combine(root, directory);
        if (!Directory.Exists(full))
        {
            return [];
        }
        var names = new List<string>();
        foreach (var entry in new DirectoryInfo(full).EnumerateFileSystemInfos())
        {
            budget.CountEntry();
            if (!entry.Name.EndsWith(extension, StringComparison.Ordinal) || entry.Name.Length == extension.Length)
            {
                continue;
            }
            if (IsFileEntry(entry.FullName))
            {
                names.Add(entry.Name);
            }
        }
        names.Sort(Json.Utf8Order.Instance);
        return names;
    }

    /// <summary>A regular file, a link to one, or a link whose target cannot be read (kept, §2.1); links to directories are skipped.</summary>
    private static bool IsFileEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return info.Exists;
        }
        try
        {
            // A FileInfo resolves a link to a directory as a FileInfo that does not exist: ask the file system what it is.
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is null || !Directory.Exists(target.FullName);
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static void Add(WorkspaceSnapshot snapshot, Reading reading, DocumentKind kind, string id, string relativePath, string? resourceId = null)
    {
        var root = snapshot.Root!;
        var overlay = reading.Overlay;
        var fullPath = Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        string? text = null;
        string? error = null;
        try
        {
            var editorOnly = overlay is not null && !File.Exists(fullPath) ? overlay.GetValueOrDefault(fullPath) : null;
            if (editorOnly is not null)
            {
                // An editor document not on disk (yet): its text is all there is.
                text = editorOnly;
            }
            else if (overlay is not null && overlay.TryGetValue(fullPath, out var unsaved))
            {
                // Unsaved text of a file on disk: that file must still be one discovery would read.
                _ = PathResolution.ContainedFile(root, fullPath);
                text = unsaved;
            }
            else
            {
                text = WorkspaceFiles.ReadText(root, fullPath, reading.MaxFileBytes, reading.Budget);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"failed to read {relativePath}: {e.Message}";
        }

        var document = new WorkspaceDocument
        {
            DocId = snapshot.Documents.Count,
            Kind = kind,
            Id = id,
            ResourceId = resourceId,
            RelativePath = relativePath,
            FullPath = fullPath,
            Text = text,
            Source = text is null ? null : new SourceText(text),
            Error = error,
        };
        if (text is not null)
        {
            Parse(document, text);
        }
        snapshot.Documents.Add(document);
    }

    private static void Parse(WorkspaceDocument document, string text)
    {
        switch (document.Kind)
        {
            case DocumentKind.CustomLint:
                return;
            case DocumentKind.Schema:
                try
                {
                    using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = NestingLimits.Schema });
                    document.Json = json.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    var line = (int)(e.LineNumber ?? 0);
                    var column = (int)(e.BytePositionInLine ?? 0);
                    var offset = OffsetOf(document.Source!, line, column);
                    document.Error = $"failed to parse {document.RelativePath}: {JsonErrorText(e)} at line {line + 1} column {column + 1}";
                    document.ErrorSpan = new TextSpan(offset, Math.Min(offset + 1, text.Length));
                }
                return;
            default:
                var root = TomlParser.Parse(text, out var error);
                if (error is not null)
                {
                    document.Error = $"failed to parse {document.RelativePath}: {error.Message}";
                    document.ErrorSpan = error.Offset is { } offset ? document.Source!.ToEndOfLine(offset) : null;
                }
                else
                {
                    document.Toml = root;
                }
                return;
        }
    }

    /// <summary>How documents are read: unsaved editor text by absolute path, else the disk within the per-file limit and the workspace's budget.</summary>
    private sealed record Reading(IReadOnlyDictionary<string, string>? Overlay, int MaxFileBytes, StagingBudget Budget);

    private static int OffsetOf(SourceText source, int line, int byteColumn)
    {
        var offset = 0;
        for (var i = 0; i < line && offset < source.Text.Length; i++)
        {
            var newline = source.Text.IndexOf('\n', offset);
            offset = newline < 0 ? source.Text.Length : newline + 1;
        }
        // The column is counted in UTF-8 bytes; walk characters until that many bytes are consumed.
        var bytes = 0;
        while (offset < source.Text.Length && bytes < byteColumn && source.Text[offset] != '\n')
        {
            bytes += System.Text.Encoding.UTF8.GetByteCount(source.Text.AsSpan(offset, char.IsHighSurrogate(source.Text[offset]) ? 2 : 1));
            offset += char.IsHighSurrogate(source.Text[offset]) ? 2 : 1;
        }
        return offset;
    }

    private static string JsonErrorText(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
