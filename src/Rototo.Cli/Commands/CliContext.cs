using System.CommandLine;
using Rototo.Cli.Output;
using Rototo.Sources;

namespace Rototo.Cli.Commands;

/// <summary>Global options (accepted at any position) and helpers shared by the commands.</summary>
internal sealed class CliContext(Terminal terminal)
{
    public Terminal Terminal { get; } = terminal;

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON on stdout instead of human output", Recursive = true };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print less", Recursive = true };

    public Option<string?> WorkspaceToken { get; } = new("--workspace-token") { Description = "Bearer token for remote sources (default: $ROTOTO_WORKSPACE_TOKEN)", Recursive = true };

    public static Argument<string?> SourceArgument() => new("source")
    {
        Description = "Workspace source: a directory, file:///dir, git+file|https|ssh://repo#ref:subdir, or an https:// .tar.gz/.zip archive#:subdir (default: the workspace containing the current directory)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<string[]> ContextOption() => new("--context", "-c")
    {
        Description = "Context: a JSON object, @file.json, or path=value (repeatable, merged left to right)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Fetch options: the bearer token from <c>--workspace-token</c>, else <c>$ROTOTO_WORKSPACE_TOKEN</c> (§12.3).</summary>
    public WorkspaceSourceOptions SourceOptions(ParseResult parse) => new()
    {
        WorkspaceToken = parse.GetValue(WorkspaceToken) ?? Environment.GetEnvironmentVariable("ROTOTO_WORKSPACE_TOKEN"),
    };

    /// <summary>Stages the given source (any form of §12, with layering), or finds the workspace root above the current directory (§2.2).</summary>
    public async Task<(StagedWorkspace Staged, string Shown)> StageAsync(ParseResult parse, string? source, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            var root = FindWorkspaceRoot(Directory.GetCurrentDirectory())
                ?? throw new RototoException(RototoErrorCode.Workspace, "workspace not found: pass a workspace source or run inside a rototo workspace");
            source = root;
        }
        var staged = await WorkspaceSources.StageAsync(source, SourceOptions(parse), cancellationToken).ConfigureAwait(false);
        return (staged, source);
    }

    /// <summary>
    /// For lint: a local source is linted in place even when it does not exist or its manifest is broken (so lint can
    /// report it); only a local workspace whose manifest declares valid, non-empty <c>extends</c> is projected (§13 CLI note).
    /// Null for remote sources.
    /// </summary>
    public static string? LocalPathOrNull(string? source)
    {
        if (source is null)
        {
            return FindWorkspaceRoot(Directory.GetCurrentDirectory());
        }
        var parsed = WorkspaceSource.Parse(source);
        return parsed.Kind is WorkspaceSourceKind.LocalPath or WorkspaceSourceKind.FileUri ? parsed.Location : null;
    }

    /// <summary>True when the local workspace at <paramref name="path"/> declares valid, non-empty <c>extends</c>.</summary>
    public static bool HasLayers(string path, WorkspaceSourceOptions options)
    {
        try
        {
            return Layering.WorkspaceLayering.ReadExtends(path, options).Count > 0;
        }
        catch (Exception e) when (e is RototoException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string? FindWorkspaceRoot(string start)
    {
        string? directory;
        try
        {
            directory = Discovery.PathResolution.Canonicalize(start);
        }
        catch (IOException)
        {
            return null;
        }
        while (directory is not null)
        {
            if (File.Exists(Path.Combine(directory, Discovery.WorkspaceSnapshot.ManifestFileName)))
            {
                return directory;
            }
            directory = Path.GetDirectoryName(directory);
        }
        return null;
    }
}
