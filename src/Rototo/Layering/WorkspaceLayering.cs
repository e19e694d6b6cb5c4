using Rototo.Discovery;
using Rototo.Lint.Checks;
using Rototo.Sources;
using Rototo.Toml;

namespace Rototo.Layering;

/// <summary>
/// Applies <c>extends</c> (§13): stages each parent (recursively, relative entries resolved against the declaring
/// workspace) and projects parents then the child into one temporary tree, later files replacing earlier ones whole.
/// </summary>
internal static class WorkspaceLayering
{
    /// <summary>Most workspaces on one <c>extends</c> chain.</summary>
    public const int MaxDepth = 32;

    public static Task<StagedWorkspace> StageAsync(string source, WorkspaceSourceOptions options, bool snapshotLocal, CancellationToken cancellationToken) =>
        LoadAsync(source, null, new Context(options, snapshotLocal, []), cancellationToken);

    /// <summary>The <c>extends</c> entries of the manifest in <paramref name="root"/>; none when it has no manifest.</summary>
    /// <exception cref="RototoException">The manifest leaves the workspace, is not a regular file or does not parse, or <c>extends</c> is invalid (§3.1 messages).</exception>
    public static IReadOnlyList<string> ReadExtends(string root)
    {
        var path = Path.Combine(root, WorkspaceSnapshot.ManifestFileName);
        if (!File.Exists(path))
        {
            return [];
        }
        string text;
        try
        {
            text = File.ReadAllText(PathResolution.ContainedFile(PathResolution.Canonicalize(root), path));
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

    private static async Task<StagedWorkspace> LoadAsync(string source, (string Path, bool Temporary)? declaring, Context context, CancellationToken cancellationToken)
    {
        if (context.Stack.Count >= MaxDepth)
        {
            throw new RototoException(RototoErrorCode.Source, $"workspace extends depth exceeded {MaxDepth}");
        }
        var (resolved, inheritedTemporary) = ResolveParent(source, declaring?.Path, declaring?.Temporary ?? false);
        var parsed = WorkspaceSource.Parse(resolved);
        var staged = await WorkspaceSources.StageLayerAsync(parsed, context.Options, context.SnapshotLocal, cancellationToken).ConfigureAwait(false);
        var isLocal = parsed.Kind is WorkspaceSourceKind.LocalPath or WorkspaceSourceKind.FileUri;
        string key;
        IReadOnlyList<string> extends;
        try
        {
            key = isLocal ? WorkspaceSources.CanonicalLocalPath(parsed) : resolved;
            var cycleStart = context.Stack.IndexOf(key);
            if (cycleStart >= 0)
            {
                throw new RototoException(RototoErrorCode.Source, $"workspace extends cycle detected: {string.Join(" -> ", context.Stack.Skip(cycleStart).Append(key))}");
            }
            extends = ReadExtends(staged.Root);
        }
        catch
        {
            staged.Release();
            throw;
        }
        if (extends.Count == 0)
        {
            return staged;
        }
        // Relative parents of a local workspace resolve against its own directory (not a snapshot copy of it);
        // those of a fetched workspace resolve inside the fetched tree and may not leave it.
        var basePath = isLocal ? key : staged.Root;
        context.Stack.Add(key);
        try
        {
            return await ProjectAsync(parsed, staged, extends, (basePath, inheritedTemporary || !isLocal), context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            context.Stack.RemoveAt(context.Stack.Count - 1);
        }
    }

    private static async Task<StagedWorkspace> ProjectAsync(WorkspaceSource child, StagedWorkspace staged, IReadOnlyList<string> extends, (string Path, bool Temporary) declaring, Context context, CancellationToken cancellationToken)
    {
        var projection = TemporaryDirectory.Create("layers");
        try
        {
            var target = Path.Combine(projection.Path, "workspace");
            var layers = new List<StagedLayer>();
            var immutable = true;
            var budget = new StagingBudget(context.Options, "layer");
            foreach (var parentSource in extends)
            {
                var parent = await LoadAsync(parentSource, declaring, context, cancellationToken).ConfigureAwait(false);
                try
                {
                    DirectoryTree.Copy(parent.Root, target, skipRootManifest: true, budget);
                    immutable &= parent.Immutable;
                    layers.AddRange(parent.Layers);
                }
                finally
                {
                    parent.Release();
                }
            }
            DirectoryTree.Copy(staged.Root, target, skipRootManifest: false, budget);
            immutable &= staged.Immutable;
            layers.AddRange(staged.Layers);
            return new StagedWorkspace(child, PathResolution.Canonicalize(target), immutable)
            {
                Fingerprint = Combine(layers),
                Layers = layers,
                Owned = [projection],
            };
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

    /// <summary>§13 step 5: the single layer's fingerprint, all of them when several, none when any layer lacks one.</summary>
    private static SourceFingerprint? Combine(List<StagedLayer> layers)
    {
        if (layers.Any(l => l.Fingerprint is null))
        {
            return null;
        }
        return layers.Count == 1 ? layers[0].Fingerprint : SourceFingerprint.WorkspaceLayers(layers.Select(l => l.Fingerprint!));
    }

    private sealed record Context(WorkspaceSourceOptions Options, bool SnapshotLocal, List<string> Stack);
}
