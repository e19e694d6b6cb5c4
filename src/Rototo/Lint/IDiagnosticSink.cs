namespace Rototo.Lint;

/// <summary>Receives every diagnostic lint reports, as it is reported (<see cref="LintContext.Report(LintRuleInfo, DiagnosticEntity, string, DiagnosticLocation, RelatedInformation[])"/>).</summary>
internal interface IDiagnosticSink
{
    /// <summary>Takes one diagnostic; what it keeps of them is the sink's own bound.</summary>
    void Add(LintDiagnostic diagnostic);
}
