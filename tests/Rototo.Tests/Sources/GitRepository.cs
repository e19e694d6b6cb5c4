using System.Diagnostics;

namespace Rototo.Tests.Sources;

/// <summary>A real git repository in a temp folder, driven by the <c>git</c> command; deleted on dispose.</summary>
internal sealed class GitRepository : IDisposable
{
    public GitRepository()
    {
        Directory.CreateDirectory(Path);
        Git("init", "--quiet", "--initial-branch=main");
        Git("config", "user.email", "tests@example.invalid");
        Git("config", "user.name", "Rototo Tests");
        Git("config", "commit.gpgsign", "false");
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rototo-git-test-" + Guid.NewGuid().ToString("N"));

    /// <summary><c>git+file://{path}</c> with an optional fragment.</summary>
    public string Source(string? fragment = null) => $"git+file://{Path}" + (fragment is null ? "" : "#" + fragment);

    /// <summary>Writes the minimal message workspace (rototo-acceptance.md L) under <paramref name="folder"/>.</summary>
    public void WriteMessageWorkspace(string message, string folder = "rototo")
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        Write($"{prefix}rototo-workspace.toml", "schema_version = 1\n");
        Write($"{prefix}variables/message.toml", MessageVariable(message));
    }

    public static string MessageVariable(string message) =>
        $"schema_version = 1\ntype = \"string\"\n\n[values]\ndefault = \"{message}\"\n\n[resolve]\ndefault = \"default\"\n";

    public void Write(string relativePath, string text)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Stages everything and commits; returns the new commit id.</summary>
    public string Commit(string message)
    {
        Git("add", "--all");
        Git("commit", "--quiet", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("GIT_DIR"); // a test checks that the library ignores this variable
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        }
        return stdout.Result;
    }

    /// <summary>A bare clone of this repository (served as <c>git+file://</c> like a remote); the caller disposes it.</summary>
    public string CloneBare()
    {
        var bare = Path + ".bare";
        Git("clone", "--quiet", "--bare", Path, bare);
        return bare;
    }

    public void Dispose()
    {
        Delete(Path);
        Delete(Path + ".bare");
        Delete(Path + ".outside");
    }

    public static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        Directory.Delete(path, recursive: true); // removes links themselves, never what they point to
    }
}
