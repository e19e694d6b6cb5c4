using Rototo.Discovery;
using Rototo.LanguageServer.Navigation;
using Rototo.LanguageServer.Protocol;
using Range = Rototo.LanguageServer.Protocol.Range;
using Rototo.Lint;
using Rototo.Sources;

namespace Rototo.LanguageServer;

/// <summary>
/// The workspace the server edits: the root, the unsaved texts of open documents, and the latest lint of the
/// whole root with those texts (§16). Not thread-safe; the server serialises calls.
/// </summary>
internal sealed class WorkspaceSession(string root)
{
    private readonly Dictionary<string, string> _overlays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _clientUris = new(StringComparer.Ordinal);
    private HashSet<string> _published = new(StringComparer.Ordinal);

    public string Root { get; } = root;

    public WorkspaceIndex Index { get; private set; } = new(WorkspaceDiscovery.Discover(root, WorkspaceSourceOptions.Default));

    /// <summary>Records the unsaved text of a document (didOpen/didChange).</summary>
    public void SetText(string uri, string text)
    {
        if (Conversions.PathOf(uri) is { } path)
        {
            _overlays[path] = text;
            _clientUris[path] = uri;
        }
    }

    /// <summary>Drops the unsaved text of a document (didSave/didClose): the file on disk is read again.</summary>
    public void DropText(string uri)
    {
        if (Conversions.PathOf(uri) is { } path)
        {
            _overlays.Remove(path);
        }
    }

    /// <summary>The discovered document behind a URI, or null.</summary>
    public WorkspaceDocument? Document(string uri) => Conversions.PathOf(uri) is { } path ? Index.Document(path) : null;

    /// <summary>
    /// Re-discovers and re-lints the root; returns diagnostics for every document, plus empty lists for documents that no
    /// longer have any. Each file gets its first diagnostics (<see cref="FileDiagnosticCollector"/>: at most
    /// <see cref="FileDiagnosticCollector.MaxPerFile"/>, errors first) and, when some were cut, a first one counting them.
    /// </summary>
    public List<PublishDiagnosticsParams> Relint()
    {
        var snapshot = WorkspaceDiscovery.Discover(Root, WorkspaceSourceOptions.Default, _overlays);
        Index = new WorkspaceIndex(snapshot);
        var collector = new FileDiagnosticCollector(FullPath);
        Linter.Run(snapshot, collector);
        var byPath = new Dictionary<string, List<Diagnostic>>(StringComparer.Ordinal);
        foreach (var document in snapshot.Documents)
        {
            byPath[document.FullPath] = [];
        }
        foreach (var file in collector.Files())
        {
            var list = new List<Diagnostic>(file.Kept.Count + 1);
            if (file.ErrorsNotShown + file.WarningsNotShown > 0)
            {
                list.Add(NotShown(file.ErrorsNotShown, file.WarningsNotShown));
            }
            list.AddRange(file.Kept.Select(ToLsp));
            byPath[file.File] = list;
        }
        var published = new HashSet<string>(byPath.Keys, StringComparer.Ordinal);
        foreach (var stale in _published.Where(p => !published.Contains(p)))
        {
            byPath[stale] = [];
        }
        _published = published;
        return [.. byPath.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new PublishDiagnosticsParams(UriOf(p.Key), p.Value))];
    }

    /// <summary>The URI the client uses for a path (its own spelling when it opened the file).</summary>
    public string UriOf(string path) => _clientUris.TryGetValue(path, out var uri) ? uri : Conversions.UriOf(path);

    /// <summary>The absolute path of a diagnostic location; workspace-root diagnostics go to the manifest.</summary>
    private string FullPath(DiagnosticLocation location) =>
        Path.IsPathRooted(location.Path) ? Path.Combine(Root, WorkspaceSnapshot.ManifestFileName) : Path.Combine(Root, location.Path.Replace('/', Path.DirectorySeparatorChar));

    private Diagnostic ToLsp(LintDiagnostic diagnostic)
    {
        var data = new System.Text.Json.Nodes.JsonObject { ["rule"] = diagnostic.Rule, ["stage"] = diagnostic.Stage.ToWireName(), ["help"] = diagnostic.Help };
        var related = diagnostic.Related.Select(r => new DiagnosticRelatedInformation(new Location(UriOf(FullPath(r.Location)), RangeOf(r.Location)), r.Message)).ToList();
        return new Diagnostic(RangeOf(diagnostic.Location), diagnostic.Severity == LintSeverity.Error ? 1 : 2, diagnostic.Rule, "rototo", diagnostic.Message, data, related);
    }

    /// <summary>The first diagnostic of a file whose diagnostics were cut: how many, at the top of the file; an error when errors were.</summary>
    private static Diagnostic NotShown(int errors, int warnings) =>
        new(Conversions.ZeroRange, errors > 0 ? 1 : 2, null, "rototo",
            $"... {errors + warnings} more diagnostics not shown in this file ({errors} error(s), {warnings} warning(s)): rototo lint lists them", null, []);

    private static Range RangeOf(DiagnosticLocation location) => location.Range is { } range ? Conversions.Range(range) : Conversions.ZeroRange;
}
