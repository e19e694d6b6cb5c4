using System.Diagnostics;

namespace Vtx.Tests.Cli;

/// <summary>The vtx-host executable's argument handling.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Missing_plugin_folder_is_a_clear_error_with_exit_code_2()
    {
        var (code, _, error) = Run("--plugins", "/nonexistent/vtx-plugins", "--port", "1");

        Assert.Equal(2, code);
        Assert.Equal("error: plugin folder /nonexistent/vtx-plugins does not exist", error.Trim());
    }

    [Fact]
    public void Plugins_option_is_required()
    {
        var (code, _, error) = Run();

        Assert.NotEqual(0, code);
        Assert.Contains("--plugins", error, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "vtx-host.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
