using Rototo.Refresh;
using Rototo.Sources;
using Rototo.Tests.Layering;

namespace Rototo.Tests.Sources;

/// <summary>
/// <see cref="WorkspaceSourceOptions.MaxFileBytes"/>: a workspace file over the limit is refused by its size, before it
/// is read, by every way a workspace is read: in place, from git, snapshotted, projected, by the CLI and by layering.
/// </summary>
public sealed class WorkspaceFileLimitTests : TempWorkspacesTest
{
    private const int DefaultLimit = 1024 * 1024;

    private static WorkspaceLoadOptions Limit(int bytes) => new() { Sources = new() { MaxFileBytes = bytes } };

    private static string TooLarge(string path, long size, int limit) =>
        $"failed to read {path}: file is {size} bytes, over the limit of {limit} bytes for a workspace file";

    private static string LintFailure(string rule, string path, long size, int limit) =>
        $"workspace lint failed with 1 diagnostic(s)\n  error[rototo/{rule}]: {path}: {TooLarge(path, size, limit)}";

    /// <summary>A workspace with the variables <c>message</c> and <c>big</c>, whose file a comment pads to <paramref name="size"/> bytes.</summary>
    private string WithBigVariable(string name, int size)
    {
        var root = Workspaces.Workspace(name);
        Workspaces.Variable(name, "message", "hello");
        var variable = GitRepository.MessageVariable("big");
        Workspaces.Write($"{name}/variables/big.toml", variable + new string('#', size - variable.Length));
        return root;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_5_GiB_variable_is_refused_by_its_size_without_being_read()
    {
        var root = Workspaces.Workspace("ws");
        Directory.CreateDirectory(Path.Combine(root, "variables"));
        using (var sparse = File.Create(Path.Combine(root, "variables", "big.toml")))
        {
            sparse.SetLength(5L << 30); // no disk used; reading it would take 5 GiB of memory
        }

        var cancellationToken = TestContext.Current.CancellationToken;
        var error = await Task.Run(() => Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(root, cancellationToken: cancellationToken)), cancellationToken);

        Assert.Equal(LintFailure("variable-parse-failed", "variables/big.toml", 5L << 30, DefaultLimit), error.Message);
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not()
    {
        var exact = WithBigVariable("exact", 1000);
        var over = WithBigVariable("over", 1001);

        var loaded = await Workspace.LoadAsync(exact, Limit(1000), Token);
        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(over, Limit(1000), Token));

        Assert.Equal("hello", loaded.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal(LintFailure("variable-parse-failed", "variables/big.toml", 1001, 1000), error.Message);
    }

    [Fact]
    public async Task A_relint_applies_the_limit_the_workspace_was_loaded_with()
    {
        var root = WithBigVariable("ws", 2000);

        var limited = await Workspace.LoadAsync(root, Limit(1000) with { Lint = LintMode.Skip }, Token);
        var unlimited = await Workspace.LoadAsync(root, new WorkspaceLoadOptions { Lint = LintMode.Skip }, Token);

        Assert.Equal([TooLarge("variables/big.toml", 2000, 1000)], (await limited.LintAsync(Token)).Diagnostics.Select(d => d.Message));
        Assert.Empty((await unlimited.LintAsync(Token)).Diagnostics);
    }

    [Fact]
    public async Task A_large_manifest_stops_layering_and_the_load_naming_the_file()
    {
        var root = Workspaces.Path("ws");
        Workspaces.Write("ws/rototo-workspace.toml", "schema_version = 1\n" + new string('#', 1000));
        var manifest = Path.Combine(root, "rototo-workspace.toml");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(root, Limit(1000), Token));

        Assert.Equal($"failed to read workspace manifest {manifest}: file is 1019 bytes, over the limit of 1000 bytes for a workspace file", error.Message);
    }

    [Fact]
    public async Task A_parent_file_over_the_limit_is_refused_in_a_refreshing_layered_workspace()
    {
        WithBigVariable("base", 2000);
        var child = Workspaces.Workspace("child", "../base");

        var error = await Assert.ThrowsAsync<RototoException>(() => RefreshingWorkspace.LoadAsync(child, loadOptions: Limit(1000), cancellationToken: Token));

        Assert.Equal(LintFailure("variable-parse-failed", "variables/big.toml", 2000, 1000), error.Message);
    }

    [Fact]
    public async Task A_git_workspace_file_over_the_limit_is_refused()
    {
        using var repository = new GitRepository();
        repository.WriteMessageWorkspace("hello");
        repository.Write("rototo/schemas/big.schema.json", "{}" + new string(' ', 2000));
        repository.Commit("big schema");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(repository.Source("main:rototo"), Limit(1000), Token));

        Assert.Equal(LintFailure("schema-parse-failed", "schemas/big.schema.json", 2002, 1000), error.Message);
    }

    [Fact]
    public async Task The_cli_lints_a_local_folder_with_the_default_limit()
    {
        WithBigVariable("ws", DefaultLimit + 1);

        var result = await CliProcess.RunAsync(Workspaces.Root, "lint", "ws");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error[rototo/variable-parse-failed]: variables/big.toml: {TooLarge("variables/big.toml", DefaultLimit + 1, DefaultLimit)}\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_limit_must_be_positive()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Workspace.LoadAsync(".", Limit(0), Token));

        Assert.StartsWith("the workspace file limit must be positive", error.Message, StringComparison.Ordinal);
    }
}
