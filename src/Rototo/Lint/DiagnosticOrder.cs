namespace Rototo.Lint;

/// <summary>rototo's output order of diagnostics (§9.2).</summary>
internal static class DiagnosticOrder
{
    /// <summary>Workspace-root locations first, then path (UTF-8 byte order), position, byte offset, rule, message.</summary>
    public static int Compare(LintDiagnostic a, LintDiagnostic b)
    {
        var result = (a.Location.IsWorkspaceRoot ? 0 : 1).CompareTo(b.Location.IsWorkspaceRoot ? 0 : 1);
        if (result == 0)
        {
            result = Json.Utf8Order.Compare(a.Location.Path, b.Location.Path);
        }
        if (result == 0)
        {
            result = (a.Location.Range?.Start.Line ?? 0).CompareTo(b.Location.Range?.Start.Line ?? 0);
        }
        if (result == 0)
        {
            result = (a.Location.Range?.Start.Character ?? 0).CompareTo(b.Location.Range?.Start.Character ?? 0);
        }
        if (result == 0)
        {
            result = (a.Location.StartOffset ?? int.MaxValue).CompareTo(b.Location.StartOffset ?? int.MaxValue);
        }
        if (result == 0)
        {
            result = string.CompareOrdinal(a.Rule, b.Rule);
        }
        if (result == 0)
        {
            result = string.CompareOrdinal(a.Message, b.Message);
        }
        return result;
    }

    /// <summary>Errors before warnings, each in rototo's order (<see cref="Compare"/>): what to keep when a bound drops some.</summary>
    public static int ErrorsFirst(LintDiagnostic a, LintDiagnostic b)
    {
        var result = (a.Severity == LintSeverity.Error ? 0 : 1).CompareTo(b.Severity == LintSeverity.Error ? 0 : 1);
        return result == 0 ? Compare(a, b) : result;
    }
}
