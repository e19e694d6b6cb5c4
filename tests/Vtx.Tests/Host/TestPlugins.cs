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
    private static readonly Lazy<(string? Folder, string? Problem)> JavaScriptBuild = new(RunJavaScriptBuild);

    /// <summary>The committed builds.</summary>
    public static string CommittedFolder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Vtx.Tests", "plugins", "built");

    /// <summary>The folder of this run's fresh build, or null with the reason it could not be made.</summary>
    public static (string? Folder, string? Problem) FreshBuild => Build.Value;

    /// <summary>Path of <c>NAME.core.wasm</c>: freshly built, else the committed copy.</summary>
    public static string Core(string name) => Require(name + ".core.wasm");

    /// <summary>Path of <c>NAME.component.wasm</c>: freshly built, else the committed copy.</summary>
    public static string Component(string name) => Require(name + ".component.wasm");

    /// <summary>
    /// Path of the JavaScript test plugin (plugins/js/plugin.js) built by plugins/js/build.sh with componentize-js into
    /// $TMP/vtx-js-plugin (rebuilt only when its inputs change: a build takes tens of seconds); skips the test when node or
    /// the npm packages (.ci/setup/vtx-js-plugin.sh) are missing.
    /// </summary>
    public static string JavaScript()
    {
        var (folder, problem) = JavaScriptBuild.Value;
        Assert.SkipWhen(folder is null, $"The JavaScript test plugin could not be built: {problem}");
        return Path.Combine(folder!, "js-notes.component.wasm");
    }

    /// <summary>
    /// Host options for the JavaScript plugin: the default 100 MiB memory (SpiderMonkey needs more than the C fixtures' 8 MiB),
    /// deadlines for a busy machine, and a compiled-module cache shared by test runs (files are named by content) so that its 12 MB engine compiles once.
    /// </summary>
    public static Vtx.Host.VtxHostOptions JavaScriptOptions() => new()
    {
        HandleTimeout = TimeSpan.FromSeconds(20),
        AuthenticateTimeout = TimeSpan.FromSeconds(20),
        LoadTimeout = TimeSpan.FromSeconds(60),
        ModuleCacheDirectory = Path.Combine(Path.GetTempPath(), "vtx-test-module-cache"),
    };

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

    /// <summary>Builds the JavaScript plugin (build.sh skips the build when the folder holds one of the same inputs).</summary>
    private static (string?, string?) RunJavaScriptBuild() =>
        Run(Path.Combine(RepositoryPaths.Root, "tests", "Vtx.Tests", "plugins", "js", "build.sh"), Path.Combine(Path.GetTempPath(), "vtx-js-plugin"));

    private static (string?, string?) RunBuild()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"vtx-test-plugins-{Environment.ProcessId}");
        return Run(Path.Combine(RepositoryPaths.Root, "tests", "Vtx.Tests", "plugins", "build.sh"), folder);
    }

    /// <summary>Runs a build script with the output folder; gives the folder, or null with the script's complaint.</summary>
    private static (string?, string?) Run(string script, string folder)
    {
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
