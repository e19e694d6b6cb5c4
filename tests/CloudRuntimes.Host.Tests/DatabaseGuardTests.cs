using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The database API's SQL is confined and bounded, against the real server process (docs/security.md): no files
/// outside the database, no extension loading, no connection-changing pragmas, the plugins' reserved tables closed,
/// one statement per call, parameters counted, a statement deadline (<c>--sql-timeout</c>) that also holds when the
/// server is stopped, and a result limit (<c>--sql-max-result</c>) enforced while rows stream.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DatabaseGuardTests(RuntimeProcesses runtime)
{
    private HttpClient Http => runtime.Http;

    [Theory]
    [InlineData("execute", "ATTACH DATABASE '{0}' AS other", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("execute", "VACUUM INTO '{0}'", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("query", "SELECT load_extension('{0}')", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("execute", "PRAGMA writable_schema=ON", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("execute", "PRAGMA query_only=1", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("query", "SELECT * FROM sys_plugin_installations", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("execute", "BEGIN", 403, "ERR_DATABASE_FORBIDDEN")]
    [InlineData("execute", "CREATE TABLE a(x); CREATE TABLE b(x)", 400, "ERR_MALFORMED_REQUEST")]
    [InlineData("query", "SELECT ?", 400, "ERR_MALFORMED_REQUEST")]
    public async Task Statements_that_leave_the_database_or_its_rules_are_refused(string operation, string sql, int status, string errorCode)
    {
        var outside = Path.Combine(Path.GetTempPath(), "cr-outside-" + Guid.NewGuid().ToString("N") + ".db");

        using var response = await PostAsync(runtime.RuntimeEndpoint, operation, string.Format(CultureInfo.InvariantCulture, sql, outside));

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(errorCode, error["errorCode"]!.GetValue<string>());
        Assert.StartsWith("database database: ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(outside), "a file was created outside the database");
    }

    [Fact]
    public async Task An_endless_query_answers_504_at_the_deadline_and_the_server_stays_responsive()
    {
        var data = TempFolders.New("cr-e2e-sql-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null, "--sql-timeout", "1");
        var clock = Stopwatch.StartNew();

        using var response = await PostAsync(endpoint, "query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("ERR_DATABASE_TIMEOUT", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"answered after {clock.Elapsed.TotalSeconds:F1} s with a 1 s deadline");
        using var next = await PostAsync(endpoint, "query", "SELECT 1 AS one");
        Assert.Equal("""[{"one":1}]""", await next.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_server_stopped_during_an_endless_query_exits_in_time()
    {
        var data = TempFolders.New("cr-e2e-sql-stop-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null, "--sql-timeout", "120");
        var query = PostAsync(endpoint, "query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
        await Task.Delay(500);
        var process = runtime.RuntimeProcess(endpoint);
        var clock = Stopwatch.StartNew();

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the server took {clock.Elapsed.TotalSeconds:F1} s to stop");
        await Assert.ThrowsAnyAsync<Exception>(async () => (await query).EnsureSuccessStatusCode());
    }

    [Fact]
    public async Task A_huge_result_stops_at_the_limit_without_the_server_holding_it()
    {
        var data = TempFolders.New("cr-e2e-sql-big-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null, "--sql-max-result", "4");

        // 1,000,000 rows of 200 hexadecimal digits: over 200 MB of values against a 4 MiB limit.
        using var response = await PostAsync(endpoint, "query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000) SELECT x, hex(randomblob(100)) AS h FROM c");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_DATABASE_RESULT_TOO_LARGE", error["errorCode"]!.GetValue<string>());
        // The process's peak resident memory: the server's own (about 150 MB) plus a few times the limit, not the result.
        var peak = PeakResidentMegabytes(runtime.RuntimeProcess(endpoint));
        Assert.True(peak < 400, $"the server's peak resident memory was {peak} MB");
    }

    private static long PeakResidentMegabytes(Process process) =>
        File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kilobytes ? long.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024 : 0;

    private Task<HttpResponseMessage> PostAsync(Uri endpoint, string operation, string sql) =>
        Http.PostAsync(new Uri(endpoint, $"v1.0-alpha1/database/database/{operation}"),
            new StringContent(new JsonObject { ["sql"] = sql }.ToJsonString(), Encoding.UTF8, "application/json"));
}
