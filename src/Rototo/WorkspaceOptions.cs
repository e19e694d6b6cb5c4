namespace Rototo;

/// <summary>Whether <see cref="Workspace.LoadAsync(string, WorkspaceLoadOptions?, CancellationToken)"/> lints (§14.1).</summary>
public enum LintMode
{
    /// <summary>Lint, and refuse a workspace with any error diagnostic (the default).</summary>
    Deny,

    /// <summary>Do not lint; the workspace has no runtime model and cannot resolve.</summary>
    Skip,
}

/// <summary>Options of <see cref="Workspace.LoadAsync(string, WorkspaceLoadOptions?, CancellationToken)"/>.</summary>
public sealed record WorkspaceLoadOptions
{
    /// <summary>Lint mode; default <see cref="LintMode.Deny"/>.</summary>
    public LintMode Lint { get; init; } = LintMode.Deny;

    /// <summary>How remote sources are fetched: limits, timeouts, bearer token (rototo's <c>--workspace-token</c>), HTTP handler (§12.4).</summary>
    public Sources.WorkspaceSourceOptions Sources { get; init; } = Rototo.Sources.WorkspaceSourceOptions.Default;

    internal void Validate()
    {
        if (!Enum.IsDefined(Lint))
        {
            throw new ArgumentException($"lint must be 'deny' or 'skip', got '{Lint}'", nameof(Lint));
        }
        ArgumentNullException.ThrowIfNull(Sources);
        Sources.Validate();
    }
}
