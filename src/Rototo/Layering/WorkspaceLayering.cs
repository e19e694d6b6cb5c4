using Rototo.Discovery;
using Rototo.Lint.Checks;
using Rototo.Sources;
using Rototo.Toml;

namespace Rototo.Layering;

/// <summary>
/// Applies <c>extends</c> (§13): stages each parent (recursively, relative entries resolved against the declaring
/// workspace) and projects parents then the child into one temporary tree, later files replacing earlier ones whole.
/// Within one load a parent named again (by the same resolved source) is staged and projected once and reused, so a
/// diamond of <c>extends</c> costs one staging per distinct parent rather than one per path to it; and every tree the
/// load writes, all layers together, counts against one <see cref="StagingBudget"/>.
/// </summary>
internal static class WorkspaceLayering
{
    /// <summary>Most workspaces on one <c>extends</c> chain.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Most layers one load may list (§13 step 5: every parent's layers, recursively, then the child's). A parent
    /// reached by several paths is listed once per path, so a diamond of <c>extends</c> doubles the list at each level;
    /// without this bound a chain within <see cref="MaxDepth"/> could list 2^32 layers.
    /// </summary>
    public const int MaxLayers = 256;

    public static async Task<StagedWorkspace> StageAsync(string source, WorkspaceSourceOptions options, bool snapshotLocal, CancellationToken cancellationToken)
    {
        var load = new Load(options, snapshotLocal);
        StagedWorkspace? staged = null;
        try
        {
            staged = (await LoadAsync(source, null, load, cancellationToken).ConfigureAwait(false)).Workspace;
            return staged with { Options = options };
        }
        finally
        {
            // The parents' trees were needed only to be copied into their children's projections.
            foreach (var layer in load.Layers.Values.Where(l => !ReferenceEquals(l.Workspace, staged)))
            {
                layer.Workspace.Release();
            }
        }
    }

    /// <summary>The <c>extends</c> entries of the manifest in <paramref name="root"/>; none when it has no manifest.</summary>
    /// <exception cref="RototoException">The manifest leaves the workspace, is not a regular file, is larger than
    /// <see cref="WorkspaceSourceOptions.MaxFileBytes"/> or does not parse, or <c>extends</c> is invalid (§3.1 messages).</exception>
    public static IReadOnlyList<string> ReadExtends(string root, WorkspaceSourceOptions options)
    {
        var path = Path.Combine(root, WorkspaceSnapshot.ManifestFileName);
        if (!File.Exists(path))
        {
            return [];
        }
        string text;
        try
        {
            text = WorkspaceFiles.ReadText(PathResolution.Canonicalize(root), path, options.MaxFileBytes);
        }
        catch (IOException e)
        {
            throw new RototoException(RototoErrorCode.Workspace, $"failed to read workspace manifest {path}: {e.Message}", e);
        }
        var manifest = TomlParser.Parse(text, out var error);
        if (error is not null)
        {
            throw new RototoException(RototoErrorCode.Workspace, $"failed to parse workspace manifest {path}: {error.Message}");
        }
        if (ManifestChecks.ExtendsProblem(manifest) is { } problem)
        {
            throw new RototoException(RototoErrorCode.Workspace, problem);
        }
        return manifest["extends"] is TomlArrayNode list ? [.. list.Items.Cast<TomlScalarNode>().Select(s => s.Text!)] : [];
    }

    /// <summary>
    /// Where a parent entry points (§13 step 2). From a temporarily staged (remote) workspace only remote URIs and safe
    /// relative paths inside it are allowed; a relative path then inherits the restriction.
    /// </summary>
    public static (string Source, bool InheritedTemporaryBase) ResolveParent(string source, string? basePath, bool baseIsTemporary)
    {
        var isUri = source.Contains("://", StringComparison.Ordinal);
        if (basePath is not null && baseIsTemporary)
        {
            if (isUri)
            {
                var parsed = WorkspaceSource.Parse(source);
                if (parsed.Kind == WorkspaceSourceKind.FileUri || (parsed.Kind == WorkspaceSourceKind.Git && parsed.Location.StartsWith("file://", StringComparison.Ordinal)))
                {
                    throw new RototoException(RototoErrorCode.Source, $"workspace extends source escapes a staged workspace: {source}");
                }
                return (source, false);
            }
            if (!SourcePaths.IsSafeRelative(source))
            {
                throw new RototoException(RototoErrorCode.Source, $"relative workspace extends source escapes a staged workspace: {source}");
            }
            return (Path.Combine(basePath, source), true);
        }
        if (isUri || Path.IsPathRooted(source) || basePath is null)
        {
            return (source, false);
        }
        return (Path.Combine(basePath, source), false);
    }

    private static async Task<LoadedLayer> LoadAsync(string source, (string Path, bool Temporary)? declaring, Load load, CancellationToken cancellationToken)
    {
        if (load.Stack.Count >= MaxDepth)
        {
            throw DepthExceeded();
        }
        var (resolved, inheritedTemporary) = ResolveParent(source, declaring?.Path, declaring?.Temporary ?? false);
        var parsed = WorkspaceSource.Parse(resolved);
        var isLocal = parsed.Kind is WorkspaceSourceKind.LocalPath or WorkspaceSourceKind.FileUri;
        var key = isLocal ? WorkspaceSources.CanonicalLocalPath(parsed) : resolved;
        var cycleStart = load.Stack.IndexOf(key);
        if (cycleStart >= 0)
        {
            throw new RototoException(RototoErrorCode.Source, $"workspace extends cycle detected: {string.Join(" -> ", load.Stack.Skip(cycleStart).Append(key))}");
        }
        if (load.Layers.TryGetValue((resolved, inheritedTemporary), out var known))
        {
            // Loading it again would reach its deepest ancestor Height levels below this one.
            if (load.Stack.Count + known.Height >= MaxDepth)
            {
                throw DepthExceeded();
            }
            return known;
        }
        var staged = await WorkspaceSources.StageLayerAsync(parsed, load.Options, load.SnapshotLocal, load.Budget, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> extends;
        try
        {
            extends = ReadExtends(staged.Root, load.Options);
        }
        catch
        {
            staged.Release();
            throw;
        }
        LoadedLayer loaded;
        if (extends.Count == 0)
        {
            loaded = new LoadedLayer(staged, 0);
        }
        else
        {
            // Relative parents of a local workspace resolve against its own directory (not a snapshot copy of it);
            // those of a fetched workspace resolve inside the fetched tree and may not leave it.
            var basePath = isLocal ? key : staged.Root;
            load.Stack.Add(key);
            try
            {
                loaded = await ProjectAsync(parsed, staged, extends, (basePath, inheritedTemporary || !isLocal), load, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                load.Stack.RemoveAt(load.Stack.Count - 1);
            }
        }
        load.Layers.Add((resolved, inheritedTemporary), loaded);
        return loaded;
    }

    private static async Task<LoadedLayer> ProjectAsync(WorkspaceSource child, StagedWorkspace staged, IReadOnlyList<string> extends, (string Path, bool Temporary) declaring, Load load, CancellationToken cancellationToken)
    {
        var projection = TemporaryDirectory.Create("layers");
        try
        {
            var target = Path.Combine(projection.Path, "workspace");
            var layers = new List<StagedLayer>();
            var immutable = true;
            var height = 0;
            // A parent named twice is copied twice, in order, as §13 step 3 says (it may replace a parent named between).
            foreach (var parentSource in extends)
            {
                var parent = await LoadAsync(parentSource, declaring, load, cancellationToken).ConfigureAwait(false);
                DirectoryTree.Copy(parent.Workspace.Root, target, skipRootManifest: true, load.Budget);
                immutable &= parent.Workspace.Immutable;
                AddLayers(layers, parent.Workspace.Layers);
                height = Math.Max(height, parent.Height + 1);
            }
            DirectoryTree.Copy(staged.Root, target, skipRootManifest: false, load.Budget);
            immutable &= staged.Immutable;
            AddLayers(layers, staged.Layers);
            var projected = new StagedWorkspace(child, PathResolution.Canonicalize(target), immutable)
            {
                Fingerprint = Combine(layers),
                Layers = layers,
                Owned = [projection],
            };
            return new LoadedLayer(projected, height);
        }
        catch
        {
            projection.Dispose();
            throw;
        }
        finally
        {
            staged.Release();
        }
    }

    private static void AddLayers(List<StagedLayer> layers, IReadOnlyList<StagedLayer> more)
    {
        if (layers.Count + more.Count > MaxLayers)
        {
            throw new RototoException(RototoErrorCode.Source, $"workspace extends layers exceeded {MaxLayers}");
        }
        layers.AddRange(more);
    }

    /// <summary>§13 step 5: the single layer's fingerprint, all of them when several, none when any layer lacks one.</summary>
    private static SourceFingerprint? Combine(List<StagedLayer> layers)
    {
        if (layers.Any(l => l.Fingerprint is null))
        {
            return null;
        }
        return layers.Count == 1 ? layers[0].Fingerprint : SourceFingerprint.WorkspaceLayers(layers.Select(l => l.Fingerprint!));
    }

    private static RototoException DepthExceeded() => new(RototoErrorCode.Source, $"workspace extends depth exceeded {MaxDepth}");

    /// <summary>A staged layer and how many <c>extends</c> levels lie above it (0 without <c>extends</c>).</summary>
    private sealed record LoadedLayer(StagedWorkspace Workspace, int Height);

    /// <summary>
    /// One staging with its layers: the limits, the stack of workspaces being loaded (cycles, depth), the budget every
    /// tree it writes shares, and each layer loaded so far by resolved source (and whether it lies in a fetched tree).
    /// </summary>
    private sealed class Load(WorkspaceSourceOptions options, bool snapshotLocal)
    {
        public WorkspaceSourceOptions Options => options;

        public bool SnapshotLocal => snapshotLocal;

        public List<string> Stack { get; } = [];

        public StagingBudget Budget { get; } = new(options, "layer");

        public Dictionary<(string Source, bool InheritedTemporary), LoadedLayer> Layers { get; } = [];
    }
}
