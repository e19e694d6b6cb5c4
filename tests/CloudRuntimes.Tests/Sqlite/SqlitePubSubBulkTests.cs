using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// A bulk publish on <c>pubsub.sqlite</c>, read from its real file: the entries are committed a group of 256 at a time
/// (one transaction and one sync each, counted in the file's write-ahead log), stored in publish order, and an entry
/// that cannot be published fails alone.
/// </summary>
public sealed class SqlitePubSubBulkTests : IAsyncDisposable
{
    private readonly PubSubFolder _folder = new();

    public ValueTask DisposeAsync() => _folder.DisposeAsync();

    private static List<BulkPublishEntry> Entries(int count, Func<int, IReadOnlyDictionary<string, string>>? metadata = null) =>
        [.. Enumerable.Range(0, count).Select(i => new BulkPublishEntry("e" + i.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)), "text/plain", metadata?.Invoke(i) ?? new Dictionary<string, string>()))];

    /// <summary>The data of the topic's stored messages in sequence order, read on a connection of its own.</summary>
    private List<string> Stored(string topic)
    {
        using var connection = _folder.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM pubsub_log WHERE topic = $topic ORDER BY seq";
        command.Parameters.AddWithValue("$topic", topic);
        using var reader = command.ExecuteReader();
        var data = new List<string>();
        while (reader.Read())
        {
            data.Add(Encoding.UTF8.GetString((byte[])reader.GetValue(0)));
        }
        return data;
    }

    /// <summary>
    /// The transactions committed to the write-ahead log since it last restarted: the frames that carry a commit (a
    /// database size in their header) and belong to the current log (its salts), per the WAL file format of sqlite.org.
    /// </summary>
    private int CommitsInLog()
    {
        using var stream = new FileStream(_folder.File + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var log = new byte[stream.Length];
        stream.ReadExactly(log);
        var pageSize = BinaryPrimitives.ReadInt32BigEndian(log.AsSpan(8));
        var salts = log.AsSpan(16, 8).ToArray();
        var commits = 0;
        for (var frame = 32; frame + 24 + pageSize <= log.Length; frame += 24 + pageSize)
        {
            if (!log.AsSpan(frame + 8, 8).SequenceEqual(salts))
            {
                break;
            }
            if (BinaryPrimitives.ReadUInt32BigEndian(log.AsSpan(frame + 4)) != 0)
            {
                commits++;
            }
        }
        return commits;
    }

    [Fact]
    public async Task A_bulk_publish_commits_a_group_of_256_entries_at_a_time_in_publish_order()
    {
        var pubsub = await _folder.BuildAsync();
        var before = CommitsInLog();

        var failures = await pubsub.PublishBulkAsync("bulk", Entries(600), TestContext.Current.CancellationToken);

        Assert.Empty(failures);
        // 600 entries in groups of 256: 256 + 256 + 88, three commits (one per entry before: 600).
        Assert.Equal(3, CommitsInLog() - before);
        Assert.Equal([.. Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture))], Stored("bulk"));
    }

    [Fact]
    public async Task An_entry_that_cannot_be_published_fails_alone_and_the_others_are_stored_in_order()
    {
        var pubsub = await _folder.BuildAsync();

        var failures = await pubsub.PublishBulkAsync("bulk", Entries(300, i => i == 7 ? new Dictionary<string, string> { ["ttlInSeconds"] = "soon" } : new Dictionary<string, string>()), TestContext.Current.CancellationToken);

        var failure = Assert.Single(failures);
        Assert.Equal("e7", failure.EntryId);
        Assert.Contains("ttlInSeconds", failure.Error, StringComparison.Ordinal);
        Assert.Equal([.. Enumerable.Range(0, 300).Where(i => i != 7).Select(i => i.ToString(CultureInfo.InvariantCulture))], Stored("bulk"));
    }
}
