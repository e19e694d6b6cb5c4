using System.Diagnostics;
using Rototo.Refresh;

namespace Rototo.Refresh.Benchmarks;

/// <summary>How the measured workspace is refreshed.</summary>
public enum RefreshMode
{
    /// <summary>No background refresh.</summary>
    None,

    /// <summary>
    /// A git+file:// copy of the storefront probed every 100 ms (<c>git ls-remote</c>), with a new commit every
    /// second, so about one refresh in ten reloads: the usual production shape.
    /// </summary>
    GitEvery100Ms,

    /// <summary>
    /// The local storefront folder refreshed every 100 ms: a local source cannot be probed, so every refresh is a
    /// full reload (snapshot copy, lint, compile, swap) — the worst case for readers.
    /// </summary>
    LocalReloadEvery100Ms,
}

/// <summary>The repository's storefront example as a refreshing workspace, in each <see cref="RefreshMode"/>.</summary>
internal sealed class StorefrontWorkspace : IAsyncDisposable
{
    public const string Variable = "checkout-banner";

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource _stop = new();
    private string? _repository;
    private Task _committer = Task.CompletedTask;

    private StorefrontWorkspace()
    {
    }

    public RefreshingWorkspace Workspace { get; private set; } = null!;

    /// <summary>A premium shopper in Germany, validated once so the timed calls measure resolution only.</summary>
    public ResolveContext Context { get; private set; } = null!;

    public static async Task<StorefrontWorkspace> StartAsync(RefreshMode mode)
    {
        var storefront = Path.Combine(RepositoryRoot(), "examples", "storefront");
        var result = new StorefrontWorkspace();
        var source = storefront;
        if (mode == RefreshMode.GitEvery100Ms)
        {
            result._repository = Path.Combine(Path.GetTempPath(), "rototo-bench-" + Guid.NewGuid().ToString("N"));
            CopyTree(storefront, result._repository);
            Git(result._repository, "init", "--quiet", "--initial-branch=main");
            Commit(result._repository, "storefront");
            source = $"git+file://{result._repository}#main";
        }
        result.Workspace = await RefreshingWorkspace.LoadAsync(source, new RefreshOptions { Period = mode == RefreshMode.None ? null : Period });
        result.Context = ResolveContext.FromJson(await File.ReadAllTextAsync(Path.Combine(storefront, "contexts", "premium-in-germany.json")));
        result.Workspace.Current.ValidateContext(result.Context);
        if (result._repository is { } repository)
        {
            result._committer = Task.Run(async () =>
            {
                for (var i = 0; !result._stop.IsCancellationRequested; i++)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), result._stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    await File.WriteAllTextAsync(Path.Combine(repository, "CHANGES.txt"), $"change {i}\n");
                    Commit(repository, $"change {i}");
                }
            });
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _committer;
        await Workspace.DisposeAsync();
        if (_repository is not null)
        {
            Directory.Delete(_repository, recursive: true);
        }
        _stop.Dispose();
    }

    private static void Commit(string repository, string message)
    {
        Git(repository, "add", "--all");
        Git(repository, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "--quiet", "-m", message);
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        }
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CloudRuntimes.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("run the benchmark from inside the repository (CloudRuntimes.slnx not found above it)");
    }
}
