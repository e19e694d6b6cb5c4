using System.Diagnostics;

namespace Vtx.Benchmarks;

/// <summary>The repository's plugin build scripts, run by the benchmarks' setup.</summary>
internal static class BenchPlugins
{
    /// <summary>The repository root (the folder holding CloudRuntimes.slnx) above the benchmark binaries.</summary>
    public static string Root
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "CloudRuntimes.slnx")))
            {
                root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("CloudRuntimes.slnx not found above " + AppContext.BaseDirectory);
            }

            return root;
        }
    }

    /// <summary>The JavaScript test plugin, built with componentize-js (skipped by its build.sh when unchanged).</summary>
    public static string JavaScript()
    {
        var output = Path.Combine(Path.GetTempPath(), "vtx-js-plugin");
        RunScript(Path.Combine("tests", "Vtx.Tests", "plugins", "js", "build.sh"), output, "run .ci/setup/vtx-js-plugin.sh (npm ci) first");
        return Path.Combine(output, "js-notes.component.wasm");
    }

    /// <summary>Runs a build script of the repository with its output folder.</summary>
    public static void RunScript(string script, string output, string hint)
    {
        using var build = Process.Start("bash", [Path.Combine(Root, script), output]);
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed; {hint}.");
        }
    }
}
