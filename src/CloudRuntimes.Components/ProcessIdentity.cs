using System.Diagnostics;
using System.Globalization;

namespace CloudRuntimes.Components;

/// <summary>
/// Who holds a lease: this process as <c>host/pid/start</c> (the machine name, the process id and the process's start
/// time in Unix milliseconds), so that another process on the same machine can tell that the holder is gone — no
/// process with that id, or one started at another time (the id was reused) — and take the lease over at once instead
/// of waiting for it to expire. A holder on another machine is never known to be gone: its lease runs out.
/// </summary>
public static class ProcessIdentity
{
    /// <summary>Start times read twice may differ by clock rounding; within this they are the same start.</summary>
    private static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(1);

    /// <summary>This process: <c>host/pid/start</c>.</summary>
    public static string Current { get; } = Format(Environment.MachineName, Environment.ProcessId, StartOf(Environment.ProcessId).Started ?? DateTimeOffset.UtcNow);

    /// <summary>True when <paramref name="holder"/> names a process of this machine that no longer runs.</summary>
    /// <param name="holder">An identity made by <see cref="Current"/> (of any process); anything else is not known to be gone.</param>
    /// <returns>Whether the holder is known to be gone.</returns>
    public static bool IsGone(string? holder)
    {
        var parts = holder?.Split('/');
        if (parts is not { Length: 3 }
            || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }
        var (exists, actual) = StartOf(processId);
        // A process whose start cannot be read (another user's) is not known to be gone.
        return !exists || (actual is { } start && (start - DateTimeOffset.FromUnixTimeMilliseconds(started)).Duration() > StartTolerance);
    }

    private static string Format(string host, int processId, DateTimeOffset started) =>
        string.Create(CultureInfo.InvariantCulture, $"{host}/{processId}/{started.ToUnixTimeMilliseconds()}");

    /// <summary>Whether a process of that id runs, and when it started (null when that cannot be read).</summary>
    private static (bool Exists, DateTimeOffset? Started) StartOf(int processId)
    {
        Process process;
        try
        {
            process = Process.GetProcessById(processId);
        }
        catch (ArgumentException)
        {
            return (false, null);
        }
        using (process)
        {
            try
            {
                return (true, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero));
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return (!process.HasExited, null);
            }
        }
    }
}
