using Rototo.Sources;

namespace Rototo.Tests.Support;

/// <summary>rototo's free functions <c>resolve_qualifier(root, id, ctx)</c>/<c>resolve_variable</c>: compile the runtime of a directory without the lint gate.</summary>
internal static class Compiled
{
    /// <summary>Discovers and compiles the workspace at <paramref name="root"/>.</summary>
    /// <param name="root">Workspace directory.</param>
    /// <returns>A workspace with a runtime model.</returns>
    public static Workspace Open(string root) =>
        Workspace.OpenForResolution(new StagedWorkspace(WorkspaceSource.Parse(root), root, Immutable: false));
}
