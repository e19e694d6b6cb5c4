using System.Collections.Concurrent;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>
/// Round robin over the replicas of each app id, shared by every invocation of the process: each call starts at the
/// app id's next turn; replicas marked down (they refused a connection) come after the others for <see cref="DownFor"/>.
/// </summary>
internal sealed class ReplicaRotation
{
    /// <summary>How long a replica that refused a connection is passed over: 10 seconds.</summary>
    public static readonly TimeSpan DownFor = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Turn> _turns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Uri, long> _downUntil = new();

    /// <summary>The replicas in the order to try them: those not marked down from the app id's next turn, then those marked down.</summary>
    public IReadOnlyList<Uri> Order(string appId, IReadOnlyList<Uri> replicas)
    {
        var now = Environment.TickCount64;
        var up = replicas.Where(r => !IsDown(r, now)).ToList();
        var down = replicas.Where(r => IsDown(r, now)).ToList();
        var turn = Interlocked.Increment(ref _turns.GetOrAdd(appId, _ => new Turn()).Value);
        return [.. Rotate(up, turn), .. Rotate(down, turn)];
    }

    private static IEnumerable<Uri> Rotate(List<Uri> replicas, int turn)
    {
        var start = replicas.Count == 0 ? 0 : (int)((uint)turn % (uint)replicas.Count);
        return replicas.Skip(start).Concat(replicas.Take(start));
    }

    /// <summary>Passes a replica over for <see cref="DownFor"/>.</summary>
    public void MarkDown(Uri replica) => _downUntil[replica] = Environment.TickCount64 + (long)DownFor.TotalMilliseconds;

    private bool IsDown(Uri replica, long now) => _downUntil.TryGetValue(replica, out var until) && until > now;

    /// <summary>An app id's turn counter.</summary>
    private sealed class Turn
    {
        public int Value;
    }
}
