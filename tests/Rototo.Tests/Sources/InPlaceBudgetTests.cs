using Rototo.Sources;
using Rototo.Tests.Layering;
using Rototo.Tests.Support;

namespace Rototo.Tests.Sources;

/// <summary>
/// A local workspace read in place (no staging copy counts it) is held to the same budget as staged sources: the entries
/// listed in its folders count against <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/> and the bytes of the files
/// read against <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>, by the library and by <c>rototo lint</c>.
/// </summary>
public sealed class InPlaceBudgetTests : TempWorkspacesTest
{
    /// <summary>A workspace of <paramref name="count"/> variables, <c>v0</c> … <c>v{count - 1}</c>.</summary>
    private string WithVariables(string name, int count)
    {
        var root = Workspaces.Workspace(name);
        for (var i = 0; i < count; i++)
        {
            Workspaces.Variable(name, $"v{i}", $"value {i}");
        }
        return root;
    }

    [Fact]
    public async Task Entries_past_the_limit_stop_the_load_and_up_to_it_load()
    {
        var within = WithVariables("within", 20);
        var over = WithVariables("over", 21);
        var options = new WorkspaceLoadOptions { Sources = new() { MaxArchiveEntries = 20 } };

        var loaded = await Workspace.LoadAsync(within, options, Token);
        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(over, options, Token));

        Assert.Equal(20, loaded.VariableIds.Count);
        Assert.Equal("workspace folder contains too many entries: exceeded limit of 20", error.Message);
    }

    [Fact]
    public async Task Bytes_past_the_limit_stop_the_load_and_up_to_it_load()
    {
        var root = WithVariables("ws", 3);
        // What discovery reads: the manifest and the three variable files.
        var size = new DirectoryInfo(root).EnumerateFiles("*.toml", SearchOption.AllDirectories).Sum(f => f.Length);

        var loaded = await Workspace.LoadAsync(root, new WorkspaceLoadOptions { Sources = new() { MaxUnpackedBytes = size } }, Token);
        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(root, new WorkspaceLoadOptions { Sources = new() { MaxUnpackedBytes = size - 1 } }, Token));

        Assert.Equal(3, loaded.VariableIds.Count);
        Assert.Equal($"workspace folder is too large: exceeded limit of {size - 1} bytes", error.Message);
    }

    [Fact]
    public async Task Rototo_lint_of_a_folder_of_more_than_10000_entries_is_one_error_line()
    {
        var root = Workspaces.Workspace("many");
        var variables = Directory.CreateDirectory(Path.Combine(root, "variables")).FullName;
        for (var i = 0; i <= 10_000; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(variables, $"note-{i}.txt"), [], Token);
        }

        var result = await CliProcess.RunAsync(root, "lint", ".");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: workspace folder contains too many entries: exceeded limit of 10000\n", result.Stderr);
    }
}
