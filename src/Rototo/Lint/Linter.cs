using Rototo.Discovery;
using Rototo.Lint.Checks;
using Rototo.Lint.Custom;

namespace Rototo.Lint;

/// <summary>Runs rototo's lint pipeline over a discovered workspace (§9.1) and sorts the diagnostics.</summary>
internal static class Linter
{
    /// <summary>Runs every stage; the context holds the sorted diagnostics and the custom registrations.</summary>
    /// <param name="snapshot">The discovered workspace.</param>
    /// <param name="luaTimeout">Outer timeout of each custom lint pass (default 2 s, §10.1).</param>
    public static LintContext Run(WorkspaceSnapshot snapshot, TimeSpan? luaTimeout = null)
    {
        var context = new LintContext(snapshot);
        if (snapshot.DiscoveryFailure is { } failure)
        {
            context.Stage = LintStage.Discover;
            var path = snapshot.Root ?? snapshot.GivenRoot;
            context.Report(failure.Rule, DiagnosticEntity.Workspace, failure.Message, new DiagnosticLocation(path, null) { IsWorkspaceRoot = true });
            return context;
        }

        context.Stage = LintStage.Parse;
        ParseChecks.Run(context);

        context.Stage = LintStage.Register;
        context.Custom = CustomLint.Register(context, luaTimeout);

        Stage(context, LintStage.Project, ManifestChecks.Run, SchemaChecks.Run, ShapeChecks.Run);
        Stage(context, LintStage.Reference, ReferenceChecks.Run);
        Stage(context, LintStage.Value, ValueChecks.Run);
        Stage(context, LintStage.Graph, GraphChecks.Run);
        Stage(context, LintStage.Policy);

        context.Diagnostics.Sort(Compare);
        return context;
    }

    /// <summary>Only the register stage (§10.2): the workspace's valid custom registrations, for catalogs and inspection.</summary>
    public static IReadOnlyList<CustomLintRegistration> Registrations(WorkspaceSnapshot snapshot)
    {
        var context = new LintContext(snapshot) { Stage = LintStage.Register };
        return snapshot.DiscoveryFailure is null ? CustomLint.Register(context).Registrations : [];
    }

    /// <summary>One stage (§9.1): its built-in checks in order, then the custom handlers registered for it.</summary>
    private static void Stage(LintContext context, LintStage stage, params Action<LintContext>[] builtIns)
    {
        context.Stage = stage;
        foreach (var check in builtIns)
        {
            check(context);
        }
        context.Custom?.Run(context, stage);
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
