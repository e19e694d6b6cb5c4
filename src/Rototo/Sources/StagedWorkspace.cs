namespace Rototo.Sources;

/// <summary>One layer of a staged workspace (§13 step 5).</summary>
/// <param name="Source">The layer's source as resolved (relative <c>extends</c> entries joined to the declaring workspace).</param>
/// <param name="Fingerprint">The layer's fingerprint; null for local paths.</param>
/// <param name="Immutable">True when the layer can never change (a pinned git commit).</param>
public sealed record StagedLayer(string Source, SourceFingerprint? Fingerprint, bool Immutable);

/// <summary>A workspace source made available as a local directory (§12, §13).</summary>
/// <param name="Source">The parsed source.</param>
/// <param name="Root">The directory to discover the workspace in.</param>
/// <param name="Immutable">True when every layer can never change (pinned git commits).</param>
public sealed record StagedWorkspace(WorkspaceSource Source, string Root, bool Immutable)
{
    private readonly IReadOnlyList<StagedLayer>? _layers;

    /// <summary>
    /// Fingerprint of the staged content: the single layer's, or <see cref="SourceFingerprintKind.WorkspaceLayers"/>
    /// when several layers all have one; null when any layer is a local path (§13 step 5).
    /// </summary>
    public SourceFingerprint? Fingerprint { get; init; }

    /// <summary>Every layer, parents first (recursively), then the source itself; one entry when there is no <c>extends</c>.</summary>
    public IReadOnlyList<StagedLayer> Layers
    {
        get => _layers ?? [new StagedLayer(Source.Original, Fingerprint, Immutable)];
        init => _layers = value;
    }

    /// <summary>The options it was staged with; every later read of its files applies their <see cref="WorkspaceSourceOptions.MaxFileBytes"/>.</summary>
    internal WorkspaceSourceOptions Options { get; init; } = WorkspaceSourceOptions.Default;

    /// <summary>Temporary directories that hold the staged files; removed by <see cref="Release"/> or when collected.</summary>
    internal IReadOnlyList<TemporaryDirectory> Owned { get; init; } = [];

    /// <summary>Removes the temporary directories of this staging (a no-op for a workspace used in place).</summary>
    internal void Release()
    {
        foreach (var directory in Owned)
        {
            directory.Dispose();
        }
    }
}
