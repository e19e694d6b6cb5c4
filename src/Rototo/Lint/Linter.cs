using Rototo.Discovery;
using Rototo.Lint.Checks;

namespace Rototo.Lint;

/// <summary>Runs rototo's lint pipeline over a discovered workspace (§9.1) and sorts the diagnostics.</summary>
internal static class Linter
{
    public static List<LintDiagnostic> Run(WorkspaceSnapshot snapshot)
    {
        var context = new LintContext(snapshot);
        if (snapshot.DiscoveryFailure is { } failure)
        {
            context.Stage = LintStage.Discover;
            var path = snapshot.Root ?? snapshot.GivenRoot;
            context.Report(failure.Rule, DiagnosticEntity.Workspace, failure.Message, new DiagnosticLocation(path, null) { IsWorkspaceRoot = true });
            return context.Diagnostics;
        }

        context.Stage = LintStage.Parse;
        ParseChecks.Run(context);

        context.Stage = LintStage.Register;
        ParseChecks.RunCustomLintFiles(context);

        context.Stage = LintStage.Project;
        ManifestChecks.Run(context);
        SchemaChecks.Run(context);
        ShapeChecks.Run(context);

        context.Stage = LintStage.Reference;
        ReferenceChecks.Run(context);

        context.Stage = LintStage.Value;
        ValueChecks.Run(context);

        context.Stage = LintStage.Graph;
        GraphChecks.Run(context);

        var diagnostics = context.Diagnostics;
        diagnostics.Sort(Compare);
        return diagnostics;
    }

    /// <summary>rototo's output order: workspace-root locations first, then path, position, byte offset, rule, message.</summary>
    private static int Compare(LintDiagnostic a, LintDiagnostic b)
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
}
