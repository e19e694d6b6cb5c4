using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Rototo.Refresh;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>Rototo</c> (subscribe with OpenTelemetry's
/// <c>AddSource("Rototo")</c> / <c>AddMeter("Rototo")</c>). Instruments: <c>rototo.workspace.loads</c> (counter, tag
/// <c>outcome</c> = success|failure), <c>rototo.workspace.load.duration</c> (histogram, seconds),
/// <c>rototo.refresh.outcomes</c> (counter, tag <c>outcome</c> = unchanged|refreshed|immutable|failed) and
/// <c>rototo.resolutions</c> (counter, tag <c>kind</c> = variable|qualifier) for every resolution of a loaded
/// <see cref="Workspace"/> (directly, through a <see cref="RefreshingWorkspace"/>, the configuration store, the feature-flag bridge), <c>rototo.lint.duration</c> (histogram, seconds) and <c>rototo.lint.diagnostics</c>
/// (counter, tag <c>severity</c> = error|warning) for the lint of every load that lints; every measurement also carries
/// <c>rototo.source</c> (the source string). Activities: <c>rototo.workspace.load</c>, <c>rototo.workspace.lint</c>
/// (tags <c>rototo.lint.errors</c>, <c>rototo.lint.warnings</c>), <c>rototo.workspace.refresh</c>.
/// </summary>
public static class RototoTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Rototo";

    /// <summary>The tag naming the workspace source on measurements and activities.</summary>
    public const string SourceTag = "rototo.source";

    /// <summary>Activities for loads and refreshes.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>The meter of the instruments listed on the class.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> Loads { get; } = Meter.CreateCounter<long>("rototo.workspace.loads", description: "Workspace loads (initial and refresh), by outcome");

    internal static Histogram<double> LoadDuration { get; } = Meter.CreateHistogram<double>("rototo.workspace.load.duration", unit: "s", description: "Time to stage, lint and compile a workspace");

    internal static Counter<long> RefreshOutcomes { get; } = Meter.CreateCounter<long>("rototo.refresh.outcomes", description: "Refresh attempts, by outcome");

    internal static Histogram<double> LintDuration { get; } = Meter.CreateHistogram<double>("rototo.lint.duration", unit: "s", description: "Time to lint a workspace while loading it");

    internal static Counter<long> LintDiagnostics { get; } = Meter.CreateCounter<long>("rototo.lint.diagnostics", description: "Lint diagnostics of workspace loads, by severity");

    internal static Counter<long> Resolutions { get; } = Meter.CreateCounter<long>("rototo.resolutions", description: "Variable and qualifier resolutions, by kind");

    private static readonly KeyValuePair<string, object?> VariableKind = new("kind", "variable");
    private static readonly KeyValuePair<string, object?> QualifierKind = new("kind", "qualifier");

    /// <summary>Counts one resolution of <paramref name="source"/>'s workspace (nothing to do when no one listens).</summary>
    internal static void CountResolution(bool variable, string source)
    {
        if (Resolutions.Enabled)
        {
            Resolutions.Add(1, variable ? VariableKind : QualifierKind, new KeyValuePair<string, object?>(SourceTag, source));
        }
    }
}
