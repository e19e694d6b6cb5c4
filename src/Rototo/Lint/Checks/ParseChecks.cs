using Rototo.Discovery;

namespace Rototo.Lint.Checks;

/// <summary>Parse-stage rules: one <c>*-parse-failed</c> diagnostic per file that could not be read or parsed.</summary>
internal static class ParseChecks
{
    public static void Run(LintContext context)
    {
        foreach (var document in context.Snapshot.Documents.Where(d => d.Error is not null && d.Kind != DocumentKind.CustomLint))
        {
            var (rule, entity) = document.Kind switch
            {
                DocumentKind.Manifest => ("workspace-manifest-parse-failed", DiagnosticEntity.Manifest),
                DocumentKind.Qualifier => ("qualifier-parse-failed", DiagnosticEntity.Qualifier(document.Id)),
                DocumentKind.Variable => ("variable-parse-failed", DiagnosticEntity.Variable(document.Id)),
                DocumentKind.Resource => ("resource-parse-failed", DiagnosticEntity.Resource(document.Id)),
                DocumentKind.ResourceObject => ("resource-object-parse-failed", DiagnosticEntity.ResourceObject(document.ResourceId!, document.Id)),
                _ => ("schema-parse-failed", DiagnosticEntity.Schema(document.RelativePath)),
            };
            context.Report(rule, entity, document.Error!, ErrorLocation(document));
        }
    }

    /// <summary>
    /// The error span's location. A JSON error always has a one-character range at its line and column (§9.4
    /// schema-parse-failed), even at the end of the text where the span is empty; other files fall back to the document.
    /// </summary>
    private static DiagnosticLocation ErrorLocation(WorkspaceDocument document)
    {
        if (document is { Kind: DocumentKind.Schema, ErrorSpan: { IsEmpty: true } span, Source: { } source })
        {
            var start = source.PositionAt(span.Start);
            return new DiagnosticLocation(document.RelativePath, new Text.TextRange(start, start with { Character = start.Character + 1 })) { StartOffset = span.Start };
        }
        return LintContext.At(document, document.ErrorSpan);
    }
}
