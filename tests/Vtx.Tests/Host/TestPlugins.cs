using System.Diagnostics;

namespace Vtx.Tests.Host;

/// <summary>
/// The C test plugins in tests/Vtx.Tests/plugins, built once per test run by plugins/build.sh
/// (clang + wasm-ld; components also need wasm-component-ld from the Rust toolchain).
/// </summary>
internal static class TestPlugins
{
    private static readonly Lazy<(string? Folder, string? Problem)> Build = new(RunBuild);

    /// <summary>Path of <c>NAME.core.wasm</c>; skips the test when the toolchain is absent.</summary>
    public static string Core(string name) => Require(name + ".core.wasm");

    /// <summary>Path of <c>NAME.component.wasm</c>; skips the test when wasm-component-ld is absent.</summary>
    public static string Component(string name) => Require(name + ".component.wasm");

    private static string Require(string file)
    {
        var (folder, problem) = Build.Value;
        Assert.SkipWhen(folder is null, $"Test plugins could not be built ({problem}). Install the Debian packages clang and lld (see .ci/apt-packages) to run this test.");
        var path = Path.Combine(folder!, file);
        Assert.SkipUnless(File.Exists(path), $"{file} was not built: wasm-component-ld was not found (it ships with the Rust toolchain; set WASM_COMPONENT_LD to its path) — install rustup to run this test.");
        return path;
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
