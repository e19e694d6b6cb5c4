using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A state query over a SQLite store much larger than the server's memory, against the real server process with its GC
/// heap capped (docs/security.md): the store streams its rows and the query keeps only its page (and the keys ranked
/// before it), so a filtered page and a sorted page are answered and a query without a limit fails with the response
/// limit's error, while the process lives. The query used to read every row into memory first (2 GB of peak RSS for a
/// store of 800 MB), and died of out-of-memory here.
/// </summary>
public sealed class StateQueryMemoryTests
{
    private const int Items = 64_000;

    [Fact]
    public async Task Queries_over_a_256_MB_store_are_answered_within_a_96_MiB_heap()
    {
        var data = TempFolders.New("cr-e2e-query-memory-");
        try
        {
            await QueriesAreAnsweredAsync(data);
        }
        finally
        {
            Directory.Delete(data, recursive: true); // 256 MB
        }
    }

    private static async Task QueriesAreAnsweredAsync(string data)
    {
        Fill(Path.Combine(Directory.CreateDirectory(data).FullName, "statestore.db"));
        var heap = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x6000000" };
        // Generous: a noisy CI machine reads 256 MB within two minutes.
        await using var server = ServerProcess.Start(data, heap, "--state-query-timeout", "120");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await server.WaitHealthyAsync(http);

        // group = n % 1000: the first three of group 7 in key order, and more follow.
        var filtered = await QueryAsync(http, server, """{"filter":{"EQ":{"group":7}},"page":{"limit":3}}""");
        Assert.Equal(["k000007", "k001007", "k002007"], Keys(filtered));
        Assert.Equal("3", filtered["token"]!.GetValue<string>());
        Assert.Equal(7, filtered["results"]![0]!["data"]!["n"]!.GetValue<int>());

        // By n descending, the second page of two: 63,997 and 63,996.
        var sorted = await QueryAsync(http, server, """{"sort":[{"key":"n","order":"DESC"}],"page":{"limit":2,"token":"2"}}""");
        Assert.Equal(["k063997", "k063996"], Keys(sorted));
        Assert.Equal("4", sorted["token"]!.GetValue<string>());

        using var channel = DaprGrpc.Channel(server.GrpcEndpoint);
        var overGrpc = await DaprGrpc.Stub(channel).QueryStateAlpha1Async(new Proto.QueryStateRequest { StoreName = "statestore", Query = """{"sort":[{"key":"n"}],"page":{"limit":1}}""" });
        Assert.Equal(["k000000"], overGrpc.Results.Select(r => r.Key));

        // Every item, 256 MB: refused once the kept values pass 16 MiB, not after reading them all.
        using var everything = await http.PostAsync(QueryUri(server), Json("""{"filter":{"GTE":{"n":0}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, everything.StatusCode);
        var error = (await everything.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_RESPONSE_TOO_LARGE", error["errorCode"]!.GetValue<string>());
        Assert.Equal("the answer would exceed 16 MiB (--max-response-size); ask for a smaller or earlier page (page.limit, page.token)", error["message"]!.GetValue<string>());
        Assert.False(server.Process.HasExited, server.Output);
    }

    /// <summary>Writes the store's table (as <c>state.sqlite</c> creates it) with <see cref="Items"/> values of about 4 KB: <c>{"n":i,"group":i%1000,"pad":"xx…"}</c> under key <c>k{i:D6}</c>.</summary>
    private static void Fill(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using (var schema = connection.CreateCommand())
        {
            schema.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE state (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL, etag TEXT NOT NULL, expires_at INTEGER NULL)";
            schema.ExecuteNonQuery();
        }
        var pad = new string('x', 4000);
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO state VALUES ($key, $value, $etag, NULL)";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Blob);
        var etag = insert.Parameters.Add("$etag", SqliteType.Text);
        for (var i = 0; i < Items; i++)
        {
            key.Value = $"k{i:D6}";
            value.Value = Encoding.UTF8.GetBytes($$"""{"n":{{i}},"group":{{i % 1000}},"pad":"{{pad}}"}""");
            etag.Value = $"e{i}";
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static async Task<JsonObject> QueryAsync(HttpClient http, ServerProcess server, string query)
    {
        using var response = await http.PostAsync(QueryUri(server), Json(query));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}\n{server.Output}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static List<string> Keys(JsonObject page) => [.. page["results"]!.AsArray().Select(r => r!["key"]!.GetValue<string>())];

    private static Uri QueryUri(ServerProcess server) => new(server.Endpoint, "v1.0-alpha1/state/statestore/query");

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
