using System.Text.RegularExpressions;

namespace CloudRuntimes.Host.Hosting;

/// <summary>
/// A native library the server needs (SQLite's <c>e_sqlite3</c>, Wasmtime's <c>wasmtime</c>) that cannot be loaded at
/// start, told in one line instead of the runtime's stack trace and list of every path it tried — what happens when a
/// build's executable is run without the files published beside it (e.g. the intermediate <c>native/</c> folder of a
/// native AOT build).
/// </summary>
internal static partial class NativeLibraryFailure
{
    /// <summary>
    /// The start error line for <paramref name="exception"/> when it, or an exception it wraps (a type initializer's), is a
    /// <see cref="DllNotFoundException"/>: <c>cannot load the native library 'NAME' (or one it depends on): run the server
    /// from its complete build or publish folder</c>; null for any other exception.
    /// </summary>
    /// <param name="exception">What the start threw.</param>
    public static string? Describe(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException missing)
            {
                var name = QuotedName().Match(missing.Message) is { Success: true } match ? match.Groups[1].Value : "?";
                return $"cannot load the native library '{name}' (or one it depends on): run the server from its complete build or publish folder";
            }
        }
        return null;
    }

    /// <summary>The first quoted name of the runtime's message: <c>Unable to load shared library 'e_sqlite3' or one of its dependencies.</c></summary>
    [GeneratedRegex("'([^'\\r\\n]+)'", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex QuotedName();
}
