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
        Description = "Workspace source: a directory or file:// URL (default: the workspace containing the current directory)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<string[]> ContextOption() => new("--context", "-c")
    {
        Description = "Context: a JSON object, @file.json, or path=value (repeatable, merged left to right)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Stages the given source, or finds the workspace root above the current directory (§2.2).</summary>
    public static async Task<(StagedWorkspace Staged, string Shown)> StageAsync(string? source, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            var root = FindWorkspaceRoot(Directory.GetCurrentDirectory())
                ?? throw new RototoException(RototoErrorCode.Workspace, "workspace not found: pass a workspace source or run inside a rototo workspace");
            return (new StagedWorkspace(WorkspaceSource.Parse(root), root, false), root);
        }
        var staged = await WorkspaceStaging.StageAsync(source, cancellationToken).ConfigureAwait(false);
        return (staged, source);
    }

    /// <summary>For lint: a local source is linted in place even when it does not exist (so lint can report it).</summary>
    public static string? LocalPathOrNull(string? source)
    {
        if (source is null)
        {
            return FindWorkspaceRoot(Directory.GetCurrentDirectory());
        }
        var parsed = WorkspaceSource.Parse(source);
        return parsed.Kind is WorkspaceSourceKind.LocalPath or WorkspaceSourceKind.FileUri ? parsed.Location : null;
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
