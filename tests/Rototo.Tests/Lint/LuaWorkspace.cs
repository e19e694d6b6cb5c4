namespace Rototo.Tests.Lint;

/// <summary>A copy of a shared fixture workspace (or an empty one) in a temp folder plus Lua files from <c>Lint/Lua</c>; deleted on dispose.</summary>
internal sealed class LuaWorkspace : IDisposable
{
    private readonly string _parent;

    private LuaWorkspace(string parent, string root)
    {
        _parent = parent;
        Root = root;
    }

    /// <summary>The workspace directory.</summary>
    public string Root { get; }

    /// <summary>Copies <c>tests/fixtures/workspaces/{fixture}</c> and adds <c>lint/{name}</c> for each (name, source file) pair.</summary>
    /// <param name="fixture">Fixture workspace path under rototo's <c>tests/fixtures/workspaces</c>.</param>
    /// <param name="lua">Lint file name in the workspace and the Lua test file to copy there.</param>
    /// <returns>The workspace.</returns>
    public static LuaWorkspace Fixture(string fixture, params (string Name, string Source)[] lua) =>
        Create(TestData.SharedRototo("tests/fixtures/workspaces/" + fixture), lua);

    /// <summary>Copies rototo's <c>examples/{example}</c> and adds the Lua files.</summary>
    /// <param name="example">Example workspace name, e.g. <c>basic</c>.</param>
    /// <param name="lua">Lint file name in the workspace and the Lua test file to copy there.</param>
    /// <returns>The workspace.</returns>
    public static LuaWorkspace Example(string example, params (string Name, string Source)[] lua) =>
        Create(TestData.SharedRototo("examples/" + example), lua);

    /// <summary>A workspace with only a manifest and the given Lua files.</summary>
    /// <param name="lua">Lint file name in the workspace and the Lua test file to copy there.</param>
    /// <returns>The workspace.</returns>
    public static LuaWorkspace Empty(params (string Name, string Source)[] lua) => Create(null, lua);

    private static LuaWorkspace Create(string? source, (string Name, string Source)[] lua)
    {
        var parent = Path.Combine(Path.GetTempPath(), "rototo-lua-" + Guid.NewGuid().ToString("N"));
        var root = Path.Combine(parent, "workspace");
        Directory.CreateDirectory(root);
        if (source is null)
        {
            File.WriteAllText(Path.Combine(root, "rototo-workspace.toml"), "schema_version = 1\n");
        }
        else
        {
            Copy(source, root);
        }
        Directory.CreateDirectory(Path.Combine(root, "lint"));
        foreach (var (name, file) in lua)
        {
            File.Copy(LuaFile(file), Path.Combine(root, "lint", name));
        }
        return new LuaWorkspace(parent, root);
    }

    /// <summary>The path of a Lua test file.</summary>
    /// <param name="name">File name under <c>Lint/Lua</c>.</param>
    /// <returns>Its absolute path in the test output.</returns>
    public static string LuaFile(string name) => Path.Combine(AppContext.BaseDirectory, "Lint", "Lua", name);

    /// <summary>Writes a file outside the workspace, beside it (for links that escape).</summary>
    /// <param name="name">File name in the parent folder.</param>
    /// <param name="text">Content.</param>
    /// <returns>The absolute path.</returns>
    public string WriteOutside(string name, string text)
    {
        var path = Path.Combine(_parent, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_parent, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
