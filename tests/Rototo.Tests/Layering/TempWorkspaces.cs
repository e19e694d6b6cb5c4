namespace Rototo.Tests.Layering;

/// <summary>Throw-away workspace folders for layering tests; deleted on dispose.</summary>
internal sealed class TempWorkspaces : IDisposable
{
    public string Root { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rototo-layers-test-" + Guid.NewGuid().ToString("N"));

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>A workspace folder with a manifest (optionally with <c>extends</c>).</summary>
    public string Workspace(string name, params string[] extends)
    {
        var list = extends.Length == 0 ? "" : $"extends = [{string.Join(", ", extends.Select(e => $"\"{e}\""))}]\n";
        Write($"{name}/rototo-workspace.toml", "schema_version = 1\n" + list);
        return Path(name);
    }

    /// <summary>A string variable (rototo-acceptance.md K-02 shape).</summary>
    public void Variable(string workspace, string id, string value) =>
        Write($"{workspace}/variables/{id}.toml", Sources.GitRepository.MessageVariable(value));

    public void Write(string relative, string text)
    {
        var path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

/// <summary>A test class whose tests each get fresh <see cref="TempWorkspaces"/>, deleted after the test.</summary>
public abstract class TempWorkspacesTest : IDisposable
{
    internal TempWorkspaces Workspaces { get; } = new();

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Workspaces.Dispose();
        GC.SuppressFinalize(this);
    }
}
