using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The database API's transactions are bounded as a whole, against the real server process (docs/security.md): a
/// deadline (<c>--sql-transaction-timeout</c>) after which the transaction is rolled back, a most number of statements,
/// and writers waiting for the database hold no threads, so the server keeps answering while hundreds wait.
/// </summary>
public sealed class DatabaseTransactionLimitTests
{
    /// <summary>An insert of one row that counts a million generated rows first: well within the 5 s statement deadline, but not instant.</summary>
    private const string SlowInsert = "INSERT INTO t SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000) SELECT x FROM c)";

    /// <summary>An insert that never ends by itself: its statement deadline interrupts it.</summary>
    private const string EndlessInsert = "INSERT INTO t SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)";

    [Fact]
    public async Task A_transaction_past_its_deadline_is_rolled_back_with_504()
    {
        await using var server = await StartAsync("--sql-transaction-timeout", "2");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        await ExecuteAsync(http, server, "CREATE TABLE t(x)");
        // A row, then 100 slow statements: each is far from the 5 s statement deadline, together they pass 2 s.
        var statements = new[] { "INSERT INTO t VALUES (1)" }.Concat(Enumerable.Repeat(SlowInsert, 100));
        var clock = Stopwatch.StartNew();

        using var response = await PostAsync(http, server, "transaction", Transaction(statements));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_DATABASE_TIMEOUT", error["errorCode"]!.GetValue<string>());
        Assert.Equal("database database: the transaction ran past its deadline of 2 s (--sql-transaction-timeout) and was rolled back", error["message"]!.GetValue<string>());
        // The deadline, plus at most the statement that was running (interrupted), plus a slow machine's slack.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"answered after {clock.Elapsed.TotalSeconds:F1} s with a 2 s deadline");
        Assert.Equal(0, await CountAsync(http, server));
        await ExecuteAsync(http, server, "INSERT INTO t VALUES (2)");
        Assert.Equal(1, await CountAsync(http, server));
    }

    [Fact]
    public async Task A_transaction_of_more_statements_than_the_limit_is_400_and_runs_none()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        await ExecuteAsync(http, server, "CREATE TABLE t(x)");

        using var tooMany = await PostAsync(http, server, "transaction", Transaction(Enumerable.Repeat("INSERT INTO t VALUES (1)", 10_001)));

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var error = (await tooMany.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_MALFORMED_REQUEST", error["errorCode"]!.GetValue<string>());
        Assert.Equal("a transaction holds at most 10000 statements, got 10001", error["message"]!.GetValue<string>());
        Assert.Equal(0, await CountAsync(http, server));
        using var most = await PostAsync(http, server, "transaction", Transaction(Enumerable.Repeat("INSERT INTO t VALUES (1)", 10_000)));
        Assert.Equal(HttpStatusCode.OK, most.StatusCode);
        Assert.Equal(10_000, await CountAsync(http, server));
    }

    [Fact]
    public async Task Writers_waiting_behind_a_long_transaction_leave_the_server_responsive()
    {
        await using var server = await StartAsync("--sql-timeout", "10", "--sql-transaction-timeout", "10");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        await ExecuteAsync(http, server, "CREATE TABLE t(x)");

        // One transaction holds the write lock until its 10 s deadline; 300 writers queue behind it.
        var holder = PostAsync(http, server, "transaction", Transaction([EndlessInsert]));
        await Task.Delay(500);
        var writers = Enumerable.Range(0, 300).Select(_ => PostAsync(http, server, "execute", new JsonObject { ["sql"] = "INSERT INTO t VALUES (1)" })).ToList();
        await Task.Delay(1500);
        var clock = Stopwatch.StartNew();
        using var health = await http.GetAsync(new Uri(server.Endpoint, "v1.0/healthz"));
        var answered = clock.Elapsed;

        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        // Threads sleeping in SQLite's busy timeout, one per writer, kept it waiting for 18 s.
        Assert.True(answered < TimeSpan.FromSeconds(5), $"/v1.0/healthz answered after {answered.TotalSeconds:F1} s while 300 writers waited");
        using (var held = await holder)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, held.StatusCode);
        }
        foreach (var writer in writers)
        {
            using var response = await writer;
            // Written once the holder is gone, or refused for waiting past the statement deadline: never a 500.
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
                Assert.Equal("ERR_DATABASE_TIMEOUT", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
            }
        }
    }

    private static Task<ServerProcess> StartAsync(params string[] arguments) => ServerProcess.StartHealthyAsync("cr-e2e-sqltx", arguments);

    private static JsonObject Transaction(IEnumerable<string> statements) =>
        new() { ["statements"] = new JsonArray([.. statements.Select(sql => (JsonNode)new JsonObject { ["sql"] = sql })]) };

    private static async Task ExecuteAsync(HttpClient http, ServerProcess server, string sql)
    {
        using var response = await PostAsync(http, server, "execute", new JsonObject { ["sql"] = sql });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<long> CountAsync(HttpClient http, ServerProcess server)
    {
        using var response = await PostAsync(http, server, "query", new JsonObject { ["sql"] = "SELECT count(*) AS n FROM t" });
        return (await response.Content.ReadFromJsonAsync<JsonArray>())![0]!["n"]!.GetValue<long>();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, ServerProcess server, string operation, JsonObject body) =>
        http.PostAsync(new Uri(server.Endpoint, $"v1.0-alpha1/database/database/{operation}"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
}
