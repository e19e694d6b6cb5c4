using System.Diagnostics;
using Rototo.Tests.Layering;
using Rototo.Refresh;
using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>
/// Local workspaces hold their limits on every path (issue #12): FIFOs and devices are refused at once, naming the
/// path, in place (<c>rototo lint</c>), in a snapshot (a refreshing workspace) and in a layer projection; a snapshot
/// refuses links that leave the workspace exactly as lint in place does; a snapshot is bounded by the staging limits.
/// </summary>
public sealed class LocalSourceSafetyTests : IDisposable
{
    private readonly TempWorkspaces _workspaces = new();

    public void Dispose() => _workspaces.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cli_lint_reports_a_fifo_document_at_once()
    {
        var root = _workspaces.Workspace("ws");
        _workspaces.Variable("ws", "message", "hello");
        await MakeFifoAsync(Path.Combine(root, "variables", "pipe.toml"));

        var watch = Stopwatch.StartNew();
        var result = await CliProcess.RunAsync(root, "lint", root);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed to read variables/pipe.toml: not a regular file (a FIFO)", result.Stdout, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"lint took {watch.Elapsed}");
    }

    [Fact]
    public async Task Cli_lint_reports_a_fifo_manifest_at_once()
    {
        var root = _workspaces.Path("ws");
        Directory.CreateDirectory(root);
        await MakeFifoAsync(Path.Combine(root, "rototo-workspace.toml"));

        var result = await CliProcess.RunAsync(root, "lint", root);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed to read rototo-workspace.toml: not a regular file (a FIFO)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_lint_reports_a_device_document_without_reading_it()
    {
        var root = _workspaces.Workspace("ws");
        Directory.CreateDirectory(Path.Combine(root, "variables"));
        // A character device (1, 5 is /dev/zero: reading it never ends); needs the right to create device nodes.
        await RunAsync("mknod", Path.Combine(root, "variables", "zero.toml"), "c", "1", "5");

        var result = await CliProcess.RunAsync(root, "lint", root);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed to read variables/zero.toml: not a regular file (a character device)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_lint_refuses_a_fifo_in_a_parent_layer_naming_it()
    {
        _workspaces.Workspace("parent");
        _workspaces.Variable("parent", "message", "hello");
        await MakeFifoAsync(_workspaces.Path("parent/notes/pipe"));
        var child = _workspaces.Workspace("child", "../parent");

        var result = await CliProcess.RunAsync(child, "lint", child);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("workspace layer contains unsupported entry type: notes/pipe", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_refuses_a_link_that_leaves_the_workspace_as_lint_in_place_does()
    {
        var root = _workspaces.Workspace("ws");
        _workspaces.Variable("ws", "message", "hello");
        _workspaces.Write("outside.schema.json", """{"type":"object"}""");
        Directory.CreateDirectory(Path.Combine(root, "schemas"));
        File.CreateSymbolicLink(Path.Combine(root, "schemas", "context.schema.json"), _workspaces.Path("outside.schema.json"));

        var inPlace = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(root, cancellationToken: Token));
        var snapshot = await Assert.ThrowsAsync<RototoException>(() => RefreshingWorkspace.LoadAsync(root, cancellationToken: Token));

        Assert.Contains("failed to read schemas/context.schema.json: path escapes workspace", inPlace.Message, StringComparison.Ordinal);
        Assert.Equal(inPlace.Message, snapshot.Message);
    }

    [Fact]
    public async Task Snapshot_keeps_links_inside_the_workspace_and_does_not_follow_a_loop()
    {
        var root = _workspaces.Workspace("ws");
        _workspaces.Write("ws/shared/variables/message.toml", GitRepository.MessageVariable("shared"));
        Directory.CreateSymbolicLink(Path.Combine(root, "variables"), "shared/variables");
        Directory.CreateSymbolicLink(Path.Combine(root, "shared", "loop"), "..");

        await using var workspace = await RefreshingWorkspace.LoadAsync(root, cancellationToken: Token);

        Assert.Equal("shared", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
    }

    [Fact]
    public async Task Snapshot_bigger_than_the_unpacked_limit_is_refused()
    {
        var root = _workspaces.Workspace("ws");
        _workspaces.Variable("ws", "message", "hello");
        _workspaces.Write("ws/assets/big.bin", new string('x', 4096));
        var options = new WorkspaceLoadOptions { Sources = new WorkspaceSourceOptions { MaxUnpackedBytes = 1024 } };

        var error = await Assert.ThrowsAsync<RototoException>(() => RefreshingWorkspace.LoadAsync(root, loadOptions: options, cancellationToken: Token));

        Assert.Equal("workspace snapshot is too large: exceeded limit of 1024 bytes", error.Message);
    }

    private static Task MakeFifoAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return RunAsync("mkfifo", path);
    }

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        Process? process = null;
        try
        {
            process = Process.Start(tool, arguments);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip($"{tool} is not available on this system");
        }
        using (process)
        {
            await process.WaitForExitAsync(Token);
            Assert.SkipWhen(process.ExitCode != 0, $"{tool} failed (exit {process.ExitCode}): creating special files is not permitted here");
        }
    }
}
