using System.Diagnostics;

namespace Rototo.Tests.Support;

/// <summary>
/// How the tests start the real <c>rototo</c> command: the built Rototo.Cli.dll under <c>dotnet</c>, or, when
/// <c>ROTOTO_CLI</c> names an executable (the native AOT build that <c>.ci/run</c> publishes), that executable.
/// </summary>
internal static class RototoCommand
{
    /// <summary>The native executable under test, if <c>ROTOTO_CLI</c> names one.</summary>
    public static string? NativeExecutable => Environment.GetEnvironmentVariable("ROTOTO_CLI") is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    /// <summary>A start description for <c>rototo ARGS</c> in <paramref name="workingDirectory"/>, every stream redirected.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var native = NativeExecutable;
        var start = new ProcessStartInfo(native ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (native is null)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rototo.Cli.dll"));
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }
}
