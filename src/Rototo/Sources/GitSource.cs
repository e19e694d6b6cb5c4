namespace Rototo.Sources;

/// <summary>Stages and probes <c>git+file://</c>, <c>git+https://</c> and <c>git+ssh://</c> sources with the system <c>git</c> (§12.2, §14.2).</summary>
internal static class GitSource
{
    /// <summary>
    /// Clones the source; the checkout (its <c>.git</c> folder included) counts against <paramref name="budget"/>
    /// before it is used, so a loaded workspace never holds more on disk than the staging limits allow.
    /// </summary>
    public static async Task<StagedWorkspace> StageAsync(WorkspaceSource source, WorkspaceSourceOptions options, StagingBudget budget, CancellationToken cancellationToken)
    {
        var directory = TemporaryDirectory.Create("git");
        try
        {
            var checkout = Path.Combine(directory.Path, "checkout");
            if (source.IsPinnedCommit)
            {
                await RunAsync(["clone", "--quiet", "--", source.Location, checkout], null, source, options, cancellationToken).ConfigureAwait(false);
                await RunAsync(["checkout", "--quiet", source.Ref!], checkout, source, options, cancellationToken, "checkout").ConfigureAwait(false);
            }
            else
            {
                List<string> clone = ["clone", "--quiet", "--depth=1"];
                if (source.Ref is { } reference)
                {
                    clone.AddRange(["--branch", reference]);
                }
                clone.AddRange(["--", source.Location, checkout]);
                await RunAsync(clone, null, source, options, cancellationToken).ConfigureAwait(false);
            }
            DirectoryTree.Count(checkout, budget.For("git checkout", source.Original));
            var commit = (await RunAsync(["rev-parse", "HEAD"], checkout, source, options, cancellationToken, "rev-parse").ConfigureAwait(false)).Trim();
            var root = SourcePaths.SelectSubdirectory(checkout, source.Subdirectory, source.Original);
            return new StagedWorkspace(source, root, source.IsPinnedCommit) { Fingerprint = SourceFingerprint.GitCommit(commit), Owned = [directory] };
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the source moved since <paramref name="previous"/>: no ref → unknown; a pinned commit → immutable
    /// (no network); otherwise the first hash <c>git ls-remote {url} -- {ref}</c> prints.
    /// </summary>
    public static async Task<SourceProbe> ProbeAsync(WorkspaceSource source, SourceFingerprint? previous, WorkspaceSourceOptions options, CancellationToken cancellationToken)
    {
        if (source.Ref is not { } reference)
        {
            return SourceProbe.Unknown;
        }
        if (source.IsPinnedCommit)
        {
            return SourceProbe.Pinned(SourceFingerprint.GitCommit(reference.ToLowerInvariant()));
        }
        var output = await RunAsync(["ls-remote", source.Location, "--", reference], null, source, options, cancellationToken, "check").ConfigureAwait(false);
        var commit = output.Split('\n').Select(line => line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()).FirstOrDefault(hash => hash is not null)
            ?? throw new RototoException(RototoErrorCode.Source, $"git ref `{reference}` was not found in `{source.Original}`");
        var fingerprint = SourceFingerprint.GitCommit(commit);
        return fingerprint.Equals(previous) ? SourceProbe.Unchanged : SourceProbe.Changed(fingerprint);
    }

    /// <summary>Runs one git step; <paramref name="verb"/> names it in rototo's messages (fetch, checkout, rev-parse, check).</summary>
    private static async Task<string> RunAsync(IEnumerable<string> arguments, string? workingDirectory, WorkspaceSource source, WorkspaceSourceOptions options, CancellationToken cancellationToken, string verb = "fetch")
    {
        GitCommand.Result result;
        try
        {
            result = await GitCommand.RunAsync(arguments, workingDirectory, options.GitTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // rototo names the source for the network steps (fetch, check) only.
            var suffix = verb is "fetch" or "check" ? $": {source.Original}" : "";
            throw new RototoException(RototoErrorCode.Source, $"git {verb} timed out for workspace source{suffix}");
        }
        if (result.ExitCode != 0)
        {
            throw new RototoException(RototoErrorCode.Source, $"git {verb} failed for workspace source: {result.Stderr.Trim()}");
        }
        return result.Stdout;
    }
}
