using Rototo.Discovery;
using Rototo.Lint.Checks;
using Rototo.Lint.Custom;

namespace Rototo.Lint;

/// <summary>Runs rototo's lint pipeline over a discovered workspace (§9.1), every diagnostic to an <see cref="IDiagnosticSink"/> (usually a <see cref="DiagnosticCollector"/>).</summary>
internal static class Linter
{
    /// <summary>Runs every stage; returns the first <see cref="WorkspaceLint.MaxDiagnostics"/> diagnostics in rototo's order.</summary>
    /// <param name="snapshot">The discovered workspace.</param>
    /// <param name="luaTimeout">Outer timeout of each custom lint pass (default 2 s, §10.1).</param>
    public static IReadOnlyList<LintDiagnostic> Run(WorkspaceSnapshot snapshot, TimeSpan? luaTimeout = null)
    {
        var collector = new DiagnosticCollector(WorkspaceLint.MaxDiagnostics);
        Run(snapshot, collector, luaTimeout);
        return collector.Sorted();
    }

    /// <summary>
    /// Runs every stage, each diagnostic going to <paramref name="sink"/> as it is reported; the context counts
    /// every diagnostic and holds the custom registrations, the sink the diagnostics it keeps.
    /// </summary>
    /// <param name="snapshot">The discovered workspace.</param>
    /// <param name="sink">Counts and keeps the diagnostics it selects (a <see cref="DiagnosticCollector"/> or one per file).</param>
    /// <param name="luaTimeout">Outer timeout of each custom lint pass (default 2 s, §10.1).</param>
    public static LintContext Run(WorkspaceSnapshot snapshot, IDiagnosticSink sink, TimeSpan? luaTimeout = null)
    {
        var context = new LintContext(snapshot, sink);
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

        return context;
    }

    /// <summary>Only the register stage (§10.2): the workspace's valid custom registrations, for catalogs and inspection.</summary>
    public static IReadOnlyList<CustomLintRegistration> Registrations(WorkspaceSnapshot snapshot)
    {
        var context = new LintContext(snapshot, new DiagnosticCollector(0)) { Stage = LintStage.Register };
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
}
