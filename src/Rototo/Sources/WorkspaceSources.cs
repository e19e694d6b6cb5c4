using Rototo.Discovery;
using Rototo.Layering;

namespace Rototo.Sources;

/// <summary>
/// Stages workspace sources as local directories (§12, rototo's <c>stage_workspace_source</c>) and checks them for
/// changes (§14.2, <c>probe_workspace_source</c>). Every form of §12.1 is accepted: local paths, <c>file://</c>,
/// <c>git+file://</c>, <c>git+https://</c>, <c>git+ssh://</c> (with <c>#ref:subdir</c>) and <c>https://</c>
/// archives (with <c>#:subdir</c>); <c>extends</c> in the manifest is applied (§13).
/// </summary>
public static class WorkspaceSources
{
    /// <summary>
    /// Stages a source. Local paths are used in place; git and archive sources are fetched into private temporary
    /// directories; a workspace with <c>extends</c> is projected into a temporary directory (parents first).
    /// </summary>
    /// <param name="source">The source string (§12.1).</param>
    /// <param name="options">Fetch options; null for rototo's defaults.</param>
    /// <param name="cancellationToken">Cancels fetching.</param>
    /// <returns>The staged workspace, with its layers and fingerprint.</returns>
    /// <exception cref="RototoException">The source is invalid or could not be fetched, or layering failed; the message is rototo's.</exception>
    /// <exception cref="ArgumentException">An option value is invalid.</exception>
    public static Task<StagedWorkspace> StageAsync(string source, WorkspaceSourceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= WorkspaceSourceOptions.Default;
        options.Validate();
        return WorkspaceLayering.StageAsync(source, options, snapshotLocal: false, cancellationToken);
    }

    /// <summary>Stages a source for a refreshing workspace: local layers are copied, so later edits do not leak into the load (§12.5).</summary>
    internal static Task<StagedWorkspace> StageSnapshotAsync(string source, WorkspaceSourceOptions options, CancellationToken cancellationToken) =>
        WorkspaceLayering.StageAsync(source, options, snapshotLocal: true, cancellationToken);

    /// <summary>Stages one layer (no <c>extends</c> processing); what it writes counts against the load's <paramref name="budget"/>.</summary>
    internal static async Task<StagedWorkspace> StageLayerAsync(WorkspaceSource source, WorkspaceSourceOptions options, bool snapshotLocal, StagingBudget budget, CancellationToken cancellationToken)
    {
        switch (source.Kind)
        {
            case WorkspaceSourceKind.Git:
                return await GitSource.StageAsync(source, options, budget, cancellationToken).ConfigureAwait(false);
            case WorkspaceSourceKind.HttpsArchive:
                return await ArchiveSource.StageAsync(source, options, budget, cancellationToken).ConfigureAwait(false);
            default:
                var canonical = CanonicalLocalPath(source);
                if (!snapshotLocal)
                {
                    return new StagedWorkspace(source, canonical, Immutable: false);
                }
                var snapshot = TemporaryDirectory.Create("snapshot");
                try
                {
                    var root = Path.Combine(snapshot.Path, "workspace");
                    DirectoryTree.Copy(canonical, root, skipRootManifest: false, budget.For("snapshot"));
                    return new StagedWorkspace(source, root, Immutable: false) { Owned = [snapshot] };
                }
                catch
                {
                    snapshot.Dispose();
                    throw;
                }
        }
    }

    /// <summary>The canonical path of a local source: <c>failed to canonicalize workspace source {path}: {error}</c> when it is missing (§12.5).</summary>
    internal static string CanonicalLocalPath(WorkspaceSource source)
    {
        try
        {
            return PathResolution.Canonicalize(source.Location);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Workspace, $"failed to canonicalize workspace source {source.Location}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks whether a staged source changed (§14.2 step 2). One layer: that layer's probe. Several: the first layer
    /// that changed or cannot be checked decides; unchanged and pinned-immutable layers are skipped, and a layer listed
    /// again (a parent reached by several <c>extends</c> paths) is checked once.
    /// </summary>
    internal static async Task<SourceProbe> ProbeAsync(StagedWorkspace current, WorkspaceSourceOptions options, CancellationToken cancellationToken)
    {
        var layers = current.Layers;
        if (layers.Count == 1)
        {
            return await ProbeLayerAsync(layers[0].Source, current.Fingerprint, options, cancellationToken).ConfigureAwait(false);
        }
        var probed = new HashSet<StagedLayer>();
        foreach (var layer in layers.Where(probed.Add))
        {
            var probe = await ProbeLayerAsync(layer.Source, layer.Fingerprint, options, cancellationToken).ConfigureAwait(false);
            switch (probe.Kind)
            {
                case SourceProbeKind.Unchanged:
                    continue;
                case SourceProbeKind.ImmutablePinned when layer.Immutable:
                    continue;
                case SourceProbeKind.ImmutablePinned:
                    return SourceProbe.Unchanged;
                case SourceProbeKind.Changed:
                    return SourceProbe.Changed(null);
                default:
                    return SourceProbe.Unknown;
            }
        }
        return SourceProbe.Unchanged;
    }

    private static async Task<SourceProbe> ProbeLayerAsync(string source, SourceFingerprint? previous, WorkspaceSourceOptions options, CancellationToken cancellationToken)
    {
        var parsed = WorkspaceSource.Parse(source);
        return parsed.Kind switch
        {
            WorkspaceSourceKind.Git => await GitSource.ProbeAsync(parsed, previous, options, cancellationToken).ConfigureAwait(false),
            WorkspaceSourceKind.HttpsArchive => await ArchiveSource.ProbeAsync(parsed, previous, options, cancellationToken).ConfigureAwait(false),
            _ => SourceProbe.Unknown,
        };
    }
}
