namespace Rototo.Sources;

/// <summary>
/// How workspace sources are staged (§12.4 <c>SourceOptions</c>): the one place that holds the limits every entry point
/// applies (the library's loads, <c>RefreshingWorkspace</c>, the <c>rototo</c> command, the hosting extension and the
/// runtime server's <c>configuration.rototo</c> component). Defaults are rototo's: git timeout 60 s, HTTP timeout
/// 30 s, archives up to 50 MiB downloaded, 200 MiB unpacked and 10,000 entries, no token. The unpacked and entry
/// limits also bound git checkouts and the copies made of local workspaces (a refreshing workspace's snapshot, an
/// <c>extends</c> projection), and count everything one load writes: a workspace with <c>extends</c> gets them once
/// for all its layers together, not once per layer. Each workspace file read is at most <see cref="MaxFileBytes"/>,
/// 1 MiB by default (a limit rototo does not have).
/// </summary>
public sealed record WorkspaceSourceOptions
{
    /// <summary>The default options.</summary>
    public static WorkspaceSourceOptions Default { get; } = new();

    /// <summary>Longest a <c>git</c> command (clone, checkout, ls-remote) may run; default 60 s.</summary>
    public TimeSpan GitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest an HTTPS archive request may take, body included; default 30 s.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest archive download in bytes (Content-Length or streamed); default 50 MiB.</summary>
    public long MaxArchiveBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>
    /// Largest sum of entry data in an archive, in bytes, tar extended headers (PAX, GNU long names) included; also the
    /// largest sum of file sizes in git checkouts (their <c>.git</c> folder included) and copied into local snapshots
    /// and <c>extends</c> projections. One load counts all it writes together (every layer's archive, checkout,
    /// snapshot and projection); default 200 MiB.
    /// </summary>
    public long MaxUnpackedBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>
    /// Most entries an archive may hold, and most entries (files, folders, links) git checkouts may hold and local
    /// snapshots and <c>extends</c> projections may copy; one load counts all its layers together; default 10,000.
    /// </summary>
    public int MaxArchiveEntries { get; init; } = 10_000;

    /// <summary>
    /// Largest workspace file read, in bytes: the manifest, qualifiers, variables, resources, resource objects, schemas
    /// and Lua lint files, wherever the workspace lies (a local folder read in place, a git checkout, an archive, a
    /// snapshot, an <c>extends</c> projection); default 1 MiB. The size is checked before the file is read. A larger
    /// file is not read: discovery reports <c>failed to read {path}: file is {size} bytes, over the limit of {limit}
    /// bytes for a workspace file</c> as that file's parse-failed lint error (so a load refuses it, and for the
    /// manifest the load fails with that message), and <c>extends</c> processing fails with
    /// <c>failed to read workspace manifest {path}: file is ...</c>.
    /// </summary>
    public int MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Bearer token sent as <c>Authorization: Bearer {token}</c> with HTTPS archive requests (rototo's
    /// <c>--workspace-token</c> / <c>ROTOTO_WORKSPACE_TOKEN</c>); null (the default) for none.
    /// </summary>
    public string? WorkspaceToken { get; init; }

    /// <summary>
    /// Creates the HTTP handler for archive requests; null (the default) for a <see cref="SocketsHttpHandler"/>.
    /// Use it to trust a private certificate authority or to add a proxy. Redirects are always followed by
    /// rototo itself (HTTPS only, at most 10), so automatic redirects are switched off on the handler returned.
    /// </summary>
    public Func<HttpMessageHandler>? CreateHttpHandler { get; init; }

    internal void Validate()
    {
        if (GitTimeout <= TimeSpan.Zero || HttpTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("source timeouts must be positive durations", nameof(GitTimeout));
        }
        if (MaxArchiveBytes <= 0 || MaxUnpackedBytes <= 0 || MaxArchiveEntries <= 0)
        {
            throw new ArgumentException("archive limits must be positive", nameof(MaxArchiveBytes));
        }
        if (MaxFileBytes <= 0)
        {
            throw new ArgumentException("the workspace file limit must be positive", nameof(MaxFileBytes));
        }
    }
}
