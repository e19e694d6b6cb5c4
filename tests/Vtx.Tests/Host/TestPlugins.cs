using System.Diagnostics;

namespace Vtx.Tests.Host;

/// <summary>
/// The C test plugins in tests/Vtx.Tests/plugins, built once per test run by plugins/build.sh (clang + wasm-ld;
/// components also need wasm-component-ld from the Rust toolchain). Where the toolchain is absent, the tests use
/// the copies committed in plugins/built (made by <c>build.sh built</c>); <see cref="CommittedPluginsTests"/> checks
/// that they are what the script makes from the sources.
/// </summary>
internal static class TestPlugins
{
    private static readonly Lazy<(string? Folder, string? Problem)> Build = new(RunBuild);

    /// <summary>The committed builds.</summary>
    public static string CommittedFolder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Vtx.Tests", "plugins", "built");

    /// <summary>The folder of this run's fresh build, or null with the reason it could not be made.</summary>
    public static (string? Folder, string? Problem) FreshBuild => Build.Value;

    /// <summary>Path of <c>NAME.core.wasm</c>: freshly built, else the committed copy.</summary>
    public static string Core(string name) => Require(name + ".core.wasm");

    /// <summary>Path of <c>NAME.component.wasm</c>: freshly built, else the committed copy.</summary>
    public static string Component(string name) => Require(name + ".component.wasm");

    private static string Require(string file)
    {
        var fresh = Build.Value.Folder is { } folder ? Path.Combine(folder, file) : null;
        if (fresh is not null && File.Exists(fresh))
        {
            return fresh;
        }
        var committed = Path.Combine(CommittedFolder, file);
        Assert.SkipUnless(File.Exists(committed), $"{file} is neither built ({Build.Value.Problem ?? "wasm-component-ld not found"}) nor committed in {CommittedFolder}; run tests/Vtx.Tests/plugins/build.sh built");
        return committed;
    }

    private static (string?, string?) RunBuild()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"vtx-test-plugins-{Environment.ProcessId}");
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Vtx.Tests", "plugins", "build.sh");
        try
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [script, folder])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? (folder, null) : (null, $"build.sh exited with {process.ExitCode}: {error.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, ex.Message);
        }
    }
}
