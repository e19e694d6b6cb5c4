using Rototo.Discovery;
using Rototo.Schemas;
using Rototo.Text;
using Rototo.Toml;

namespace Rototo.Lint;

/// <summary>
/// State shared by the lint stages: the snapshot, compiled schemas, and what the checks need to know of the diagnostics
/// so far (how many errors and warnings, which qualifiers have errors). The diagnostics themselves go to the sink.
/// </summary>
internal sealed class LintContext(WorkspaceSnapshot snapshot, IDiagnosticSink sink)
{
    private readonly Dictionary<string, CompiledSchema?> _schemas = [];
    private readonly HashSet<string> _qualifiersWithErrors = new(StringComparer.Ordinal);

    public WorkspaceSnapshot Snapshot { get; } = snapshot;

    /// <summary>Receives every diagnostic as it is reported.</summary>
    public IDiagnosticSink Sink { get; } = sink;

    /// <summary>Error diagnostics reported so far, kept or not.</summary>
    public int Errors { get; private set; }

    /// <summary>Warning diagnostics reported so far, kept or not.</summary>
    public int Warnings { get; private set; }

    public LintStage Stage { get; set; }

    /// <summary>The custom Lua lint, once the register stage ran.</summary>
    public Custom.CustomLint? Custom { get; set; }

    public IEnumerable<WorkspaceDocument> Parsed(DocumentKind kind) => Snapshot.OfKind(kind).Where(d => d.Parsed && (d.Toml is not null || d.Json is not null));

    public WorkspaceDocument? ParsedQualifier(string id) => Parsed(DocumentKind.Qualifier).FirstOrDefault(d => d.Id == id);

    public WorkspaceDocument? ContextSchemaDocument => Snapshot.FindByPath(WorkspaceSnapshot.ContextSchemaPath);

    /// <summary>The compiled schema of a parsed schema document, or null when it does not compile. Compiled once.</summary>
    public CompiledSchema? Schema(WorkspaceDocument document)
    {
        if (!_schemas.TryGetValue(document.RelativePath, out var compiled))
        {
            compiled = document.Json is { } json && SchemaCompiler.TryCompile(json, out var schema, out _) ? schema : null;
            _schemas[document.RelativePath] = compiled;
        }
        return compiled;
    }

    /// <summary>The context schema when it exists, parsed and compiled.</summary>
    public CompiledSchema? ValidContextSchema => ContextSchemaDocument is { Json: not null } doc ? Schema(doc) : null;

    public bool HasErrors => Errors > 0;

    /// <summary>True when an error was reported about the qualifier or one of its predicates.</summary>
    public bool HasErrorForQualifier(string id) => _qualifiersWithErrors.Contains(id);

    public void Report(string rule, DiagnosticEntity entity, string message, WorkspaceDocument document, TextSpan? span, params RelatedInformation[] related) =>
        Report(rule, entity, message, At(document, span), related);

    public void Report(string rule, DiagnosticEntity entity, string message, DiagnosticLocation location, params RelatedInformation[] related) =>
        Report(LintRuleCatalog.Get(rule), entity, message, location, related);

    /// <summary>Reports a diagnostic of a built-in or custom rule at the current stage.</summary>
    public void Report(LintRuleInfo rule, DiagnosticEntity entity, string message, DiagnosticLocation location, params RelatedInformation[] related)
    {
        if (rule.Severity == LintSeverity.Error)
        {
            Errors++;
            if (entity.QualifierId is { } qualifier)
            {
                _qualifiersWithErrors.Add(qualifier);
            }
        }
        else
        {
            Warnings++;
        }
        Sink.Add(new LintDiagnostic(rule.Rule, rule.Severity, Stage, entity, message, rule.Help, location, related));
    }

    /// <summary>A location in <paramref name="document"/>: ranged when a non-empty span is given, document-level otherwise.</summary>
    public static DiagnosticLocation At(WorkspaceDocument document, TextSpan? span)
    {
        if (span is { IsEmpty: false } s && document.Source is { } source)
        {
            return new DiagnosticLocation(document.RelativePath, source.RangeOf(s)) { StartOffset = s.Start };
        }
        return new DiagnosticLocation(document.RelativePath, null);
    }

    public static DiagnosticLocation At(WorkspaceDocument document, TomlNode? node) => At(document, node?.Span);
}
