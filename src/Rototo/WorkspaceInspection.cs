using Rototo.Discovery;
using Rototo.Lint;

namespace Rototo;

/// <summary>A named workspace file (§11.1).</summary>
/// <param name="Id">Entity id (file stem; for schemas the name without <c>.json</c>).</param>
/// <param name="Uri"><c>qualifier://id</c>, <c>variable://id</c> or <c>resource://id</c>; null for schemas and linters.</param>
/// <param name="Path">Path relative to the workspace root.</param>
public sealed record WorkspaceItem(string Id, string? Uri, string Path);

/// <summary>What a workspace contains (§11.1): schemas by path, resources, qualifiers and variables by URI, linters by id.</summary>
/// <param name="Root">The workspace root directory.</param>
/// <param name="Schemas">Schema files.</param>
/// <param name="Resources">Resource files.</param>
/// <param name="Qualifiers">Qualifier files.</param>
/// <param name="Variables">Variable files.</param>
/// <param name="Linters">Custom Lua lint files.</param>
public sealed record WorkspaceInspection(
    string Root,
    IReadOnlyList<WorkspaceItem> Schemas,
    IReadOnlyList<WorkspaceItem> Resources,
    IReadOnlyList<WorkspaceItem> Qualifiers,
    IReadOnlyList<WorkspaceItem> Variables,
    IReadOnlyList<WorkspaceItem> Linters)
{
    internal static WorkspaceInspection From(WorkspaceSnapshot snapshot)
    {
        List<WorkspaceItem> Items(DocumentKind kind, string? scheme) =>
            [.. snapshot.OfKind(kind).Select(d => new WorkspaceItem(d.Id, scheme is null ? null : $"{scheme}://{d.Id}", d.RelativePath))
                .OrderBy(i => i.Uri ?? i.Path, Json.Utf8Order.Instance)];
        return new WorkspaceInspection(
            snapshot.Root!,
            Items(DocumentKind.Schema, null),
            Items(DocumentKind.Resource, "resource"),
            Items(DocumentKind.Qualifier, "qualifier"),
            Items(DocumentKind.Variable, "variable"),
            [.. Items(DocumentKind.CustomLint, null).OrderBy(i => i.Id, Json.Utf8Order.Instance)]);
    }
}

/// <summary>A document that lint saw (§15 lint JSON <c>documents[]</c>).</summary>
/// <param name="Id">Discovery-order document id.</param>
/// <param name="Path">Path relative to the root.</param>
/// <param name="Uri"><c>file://</c> URI of the file.</param>
/// <param name="Version">Editor version for unsaved documents; null on disk.</param>
/// <param name="Kind">Document kind.</param>
public sealed record LintDocument(int Id, string Path, string Uri, int? Version, DocumentKind Kind);

/// <summary>
/// The result of linting a workspace (§14.1 <c>WorkspaceLint</c>): the documents, and the first
/// <see cref="MaxDiagnostics"/> diagnostics in rototo's order; the rest are counted in <see cref="ErrorsNotShown"/> and
/// <see cref="WarningsNotShown"/>, not kept (a legal workspace can raise millions of diagnostics).
/// </summary>
/// <param name="Root">The workspace root.</param>
/// <param name="Documents">The documents lint read, in discovery order.</param>
/// <param name="Diagnostics">Diagnostics in rototo's order, at most <see cref="MaxDiagnostics"/> when built by lint.</param>
public sealed record WorkspaceLint(string Root, IReadOnlyList<LintDocument> Documents, IReadOnlyList<LintDiagnostic> Diagnostics)
{
    /// <summary>Most diagnostics a lint result keeps (about 600 bytes each): 10,000, more than anyone reads.</summary>
    public const int MaxDiagnostics = 10_000;

    /// <summary>Error diagnostics past the first <see cref="MaxDiagnostics"/>, counted but not in <see cref="Diagnostics"/>.</summary>
    public int ErrorsNotShown { get; init; }

    /// <summary>Warning diagnostics past the first <see cref="MaxDiagnostics"/>, counted but not in <see cref="Diagnostics"/>.</summary>
    public int WarningsNotShown { get; init; }

    /// <summary>Diagnostics past the first <see cref="MaxDiagnostics"/>: <see cref="ErrorsNotShown"/> + <see cref="WarningsNotShown"/>.</summary>
    public int NotShown => ErrorsNotShown + WarningsNotShown;

    /// <summary>True when any diagnostic is an error, shown or not.</summary>
    public bool HasErrors => ErrorsNotShown > 0 || Diagnostics.Any(d => d.Severity == LintSeverity.Error);

    /// <summary>The valid custom Lua lint registrations (§10.2), files in path order, then call order.</summary>
    public IReadOnlyList<Lint.Custom.CustomLintRegistration> CustomRegistrations { get; init; } = [];

    /// <summary>Lints the snapshot, keeping the first <see cref="MaxDiagnostics"/> of the diagnostics <paramref name="selects"/> accepts.</summary>
    /// <param name="snapshot">The discovered workspace.</param>
    /// <param name="selects">Which diagnostics the result holds and counts (e.g. <c>rototo lint</c>'s selectors); null for all.</param>
    internal static WorkspaceLint Run(WorkspaceSnapshot snapshot, Func<LintDiagnostic, bool>? selects = null)
    {
        var collector = new DiagnosticCollector(MaxDiagnostics, selects);
        var context = Linter.Run(snapshot, collector);
        var diagnostics = collector.Sorted();
        var errorsShown = diagnostics.Count(d => d.Severity == LintSeverity.Error);
        var documents = snapshot.Documents.Select(d => new LintDocument(d.DocId, d.RelativePath, d.Uri, null, d.Kind)).ToList();
        return new WorkspaceLint(snapshot.Root ?? snapshot.GivenRoot, documents, diagnostics)
        {
            ErrorsNotShown = collector.Errors - errorsShown,
            WarningsNotShown = collector.Warnings - (diagnostics.Count - errorsShown),
            CustomRegistrations = context.Custom?.Registrations ?? [],
        };
    }
}
