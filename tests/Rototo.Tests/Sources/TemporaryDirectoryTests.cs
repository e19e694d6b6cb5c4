using System.Diagnostics;
using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>
/// Staging folders carry their owner (process id and start time) in their name, and a new process removes those of
/// owners that are gone (issue #12: a killed process never runs its exit handler).
/// </summary>
public sealed class TemporaryDirectoryTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("rototo-sweep-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Folders_of_dead_owners_are_removed_and_the_others_are_kept()
    {
        using var running = Process.Start("sleep", "30");
        // Ended by the test after its start time is read: a process that exits by itself may be gone (reaped) before.
        using var finished = Process.Start("sleep", "30");
        var finishedStart = finished.StartTime;
        finished.Kill();
        finished.WaitForExit();
        try
        {
            var dead = Folder("snapshot", finished.Id, finishedStart);
            var reused = Folder("git", running.Id, running.StartTime.AddMinutes(-5)); // same id, another process
            var alive = Folder("archive", running.Id, running.StartTime);
            var own = Folder("layers", Environment.ProcessId, Process.GetCurrentProcess().StartTime.AddMinutes(-5));
            var unowned = Path.Combine(_temp, "rototo-snapshot-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(unowned);
            var link = Name(_temp, finished.Id, finishedStart);
            Directory.CreateSymbolicLink(link, alive);

            var removed = TemporaryDirectory.SweepAbandoned(_temp);

            Assert.Equal(new[] { dead, reused }.Order(StringComparer.Ordinal), removed.Order(StringComparer.Ordinal), StringComparer.Ordinal);
            Assert.True(Directory.Exists(alive) && Directory.Exists(own) && Directory.Exists(unowned));
            Assert.True(File.Exists(Path.Combine(alive, "kept.toml")), "a link named like a dead owner's folder is not followed");
        }
        finally
        {
            running.Kill();
        }
    }

    private string Folder(string purpose, int processId, DateTime startedAt)
    {
        var path = Name(_temp, processId, startedAt, purpose);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "kept.toml"), "schema_version = 1\n");
        return path;
    }

    /// <summary>A path in <paramref name="folder"/> named <c>rototo-{purpose}-{pid}-{start, Unix ms}-{32 hex}</c>.</summary>
    private static string Name(string folder, int processId, DateTime startedAt, string purpose = "snapshot") =>
        Path.Combine(folder, $"rototo-{purpose}-{processId}-{new DateTimeOffset(startedAt.ToUniversalTime()).ToUnixTimeMilliseconds()}-{Guid.NewGuid():N}");
}
