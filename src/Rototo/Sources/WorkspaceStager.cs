namespace Rototo.Sources;

/// <summary>A workspace source made available as a local directory.</summary>
/// <param name="Source">The parsed source.</param>
/// <param name="Root">The directory to discover the workspace in.</param>
/// <param name="Immutable">True when the source can never change (a pinned git commit).</param>
public sealed record StagedWorkspace(WorkspaceSource Source, string Root, bool Immutable);

/// <summary>Makes a parsed source available as a local directory. One implementation per source kind.</summary>
public interface IWorkspaceStager
{
    /// <summary>Whether this stager handles <paramref name="source"/>.</summary>
    /// <param name="source">The parsed source.</param>
    /// <returns>True when <see cref="StageAsync"/> can stage it.</returns>
    bool CanStage(WorkspaceSource source);

    /// <summary>Stages the source.</summary>
    /// <param name="source">The parsed source.</param>
    /// <param name="cancellationToken">Cancels fetching.</param>
    /// <returns>The staged directory.</returns>
    /// <exception cref="RototoException">The source could not be staged; the message is rototo's.</exception>
    Task<StagedWorkspace> StageAsync(WorkspaceSource source, CancellationToken cancellationToken);
}

/// <summary>Local paths and <c>file://</c> URLs, used in place (§12.5).</summary>
public sealed class LocalWorkspaceStager : IWorkspaceStager
{
    /// <inheritdoc />
    public bool CanStage(WorkspaceSource source) => source.Kind is WorkspaceSourceKind.LocalPath or WorkspaceSourceKind.FileUri;

    /// <inheritdoc />
    public Task<StagedWorkspace> StageAsync(WorkspaceSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var canonical = Discovery.PathResolution.Canonicalize(source.Location);
            return Task.FromResult(new StagedWorkspace(source, canonical, Immutable: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Workspace, $"failed to canonicalize workspace source {source.Location}: {e.Message}", e);
        }
    }
}

/// <summary>Chooses the stager for a source.</summary>
internal static class WorkspaceStaging
{
    private static readonly IWorkspaceStager[] Stagers = [new LocalWorkspaceStager()];

    public static async Task<StagedWorkspace> StageAsync(string source, CancellationToken cancellationToken)
    {
        var parsed = WorkspaceSource.Parse(source);
        var stager = Stagers.FirstOrDefault(s => s.CanStage(parsed))
            ?? throw new RototoException(RototoErrorCode.Source, $"{parsed.Kind switch { WorkspaceSourceKind.Git => "git", _ => "https archive" }} workspace sources are not supported by this build yet: {source}");
        return await stager.StageAsync(parsed, cancellationToken).ConfigureAwait(false);
    }
}
