using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Docs that run as written (issue #20): every fenced block of README.md and docs/*.md whose info string is
/// <c>sh runnable</c> is run by bash (<c>-e -o pipefail</c>) from the repository root, against a real server started
/// here with the defaults (the block's <c>127.0.0.1:3500</c> is this server's address, <c>curl</c> fails on an HTTP
/// error), and must exit 0; each <c># → TEXT</c> comment must be found in the block's output, in order (<c>...</c> in
/// TEXT stands for anything). <c>dotnet run --project src/P --</c> (or <c>examples/P</c>) runs the built <c>P.dll</c>, as <c>dotnet run</c> would
/// after building it.
/// </summary>
public sealed partial class RunnableDocsTests : IAsyncLifetime
{
    private const string Marker = "```sh runnable";

    private readonly string _data = TempFolders.New("cr-e2e-docs-");
    private ServerProcess _server = null!;

    /// <summary>Every runnable block: its file (repository-relative) and its first line number.</summary>
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, line, _) in Find())
        {
            data.Add(file, line);
        }
        return data;
    }

    public async ValueTask InitializeAsync()
    {
        _server = ServerProcess.Start(_data, null);
        using var http = new HttpClient();
        await _server.WaitHealthyAsync(http);
    }

    [Fact]
    public void The_readme_and_the_docs_have_runnable_blocks()
    {
        Assert.Contains(Find(), b => b.File == "README.md");
        Assert.Contains(Find(), b => b.File.StartsWith("docs/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task A_runnable_block_runs_as_written(string file, int line)
    {
        var script = Find().Single(b => b.File == file && b.Line == line).Script;
        Assert.SkipWhen(script.Contains("redis-server", StringComparison.Ordinal) && !File.Exists("/usr/bin/redis-server"),
            $"{file}:{line} starts redis-server, which is not installed (Debian package redis-server; .ci/run installs it)");
        var endpoint = _server.Endpoint.ToString().TrimEnd('/');
        var prelude = new StringBuilder();
        prelude.AppendLine("curl() { command curl -sS --fail-with-body \"$@\" && echo; }");
        // What a block starts in the background ends with it, even when it fails half-way (else it would hold the output open).
        prelude.AppendLine("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT");
        var body = script.Replace("http://127.0.0.1:3500", endpoint, StringComparison.Ordinal);
        body = DotnetRun().Replace(body, m => $"dotnet {Built(m.Groups["project"].Value)}");

        var (exitCode, output) = await BashAsync(prelude + body);

        Assert.True(exitCode == 0, $"{file}:{line} exited {exitCode}:\n{output}");
        var at = 0;
        foreach (Match expected in ExpectedOutput().Matches(script))
        {
            foreach (var part in expected.Groups["text"].Value.Trim().Split("...", StringSplitOptions.RemoveEmptyEntries))
            {
                var found = output.IndexOf(part, at, StringComparison.Ordinal);
                Assert.True(found >= 0, $"{file}:{line}: '{part}' (of '# → {expected.Groups["text"].Value.Trim()}') is not in the output after position {at}:\n{output}");
                at = found + part.Length;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static IEnumerable<(string File, int Line, string Script)> Find()
    {
        var root = RuntimeProcesses.RepositoryRoot;
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        foreach (var path in files)
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != Marker)
                {
                    continue;
                }
                var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
                Assert.True(end > i, $"{path}:{i + 1}: the runnable block is not closed");
                yield return (Path.GetRelativePath(root, path).Replace('\\', '/'), i + 1, string.Join('\n', lines[(i + 1)..end]) + "\n");
                i = end;
            }
        }
    }

    /// <summary>The built program of a project (its assembly may be named otherwise: <c>vtx-host.dll</c>), found by its runtime configuration file.</summary>
    private static string Built(string project)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var bin = Path.Combine(RuntimeProcesses.RepositoryRoot, project, "bin", configuration, "net10.0");
        var program = Directory.Exists(bin) ? Directory.GetFiles(bin, "*.runtimeconfig.json").SingleOrDefault() : null;
        return program is not null ? program.Replace(".runtimeconfig.json", ".dll", StringComparison.Ordinal) : throw new FileNotFoundException($"{project} is not built in {bin}");
    }

    /// <summary>Runs the script; killed with everything it started after 90 s.</summary>
    private static async Task<(int ExitCode, string Output)> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RuntimeProcesses.RepositoryRoot };
        foreach (var argument in (string[])["-e", "-o", "pipefail", "-c", script])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the block did not finish within 90 s:\n{string.Join('\n', output)}");
        }
        return (process.ExitCode, string.Join('\n', output));
    }

    [GeneratedRegex(@"dotnet run --project (?<project>(src|examples)/[A-Za-z.]+) --")]
    private static partial Regex DotnetRun();

    [GeneratedRegex(@"^\s*# → (?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectedOutput();
}
