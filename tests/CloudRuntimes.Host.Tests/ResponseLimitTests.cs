using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The largest answer the server builds in memory (<c>--max-response-size</c>, docs/security.md) against the real server
/// process: bulk get (a repeated key counts each time), the state query API and key listing answer 400
/// <c>ERR_RESPONSE_TOO_LARGE</c> past it, and within it as before.
/// </summary>
public sealed class ResponseLimitTests
{
    [Fact]
    public async Task Bulk_get_query_and_key_listing_past_the_limit_are_400_err_response_too_large()
    {
        var data = TempFolders.New("cr-e2e-response-");
        await using var server = ServerProcess.Start(data, null, "--max-response-size", "1");
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        var value = new string('x', 600_000);
        var longKey = new string('k', 400_000);
        using var save = await http.PostAsync(new Uri(server.Endpoint, "v1.0/state/statestore"), Json(
            $$"""[{"key":"a","value":"{{value}}"},{"key":"b","value":"{{value}}"},{"key":"{{longKey}}1","value":1},{"key":"{{longKey}}2","value":1},{"key":"{{longKey}}3","value":1}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        using var one = await http.PostAsync(new Uri(server.Endpoint, "v1.0/state/statestore/bulk"), Json("""{"keys":["a","missing"]}"""));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(2, (await one.Content.ReadFromJsonAsync<JsonArray>())!.Count);

        // The same key twice: 1.2 MB of answer from 0.6 MB stored.
        using var twice = await http.PostAsync(new Uri(server.Endpoint, "v1.0/state/statestore/bulk"), Json("""{"keys":["a","a"]}"""));
        await AssertTooLargeAsync(twice, "the answer would exceed 1 MiB (--max-response-size); ask for fewer keys");

        using var query = await http.PostAsync(new Uri(server.Endpoint, "v1.0-alpha1/state/statestore/query"), Json("{}"));
        await AssertTooLargeAsync(query, "the answer would exceed 1 MiB (--max-response-size); ask for a smaller or earlier page (page.limit, page.token)");

        using var keys = await http.GetAsync(new Uri(server.Endpoint, "v1.0-alpha1/state/statestore/keys?prefix=kkk"));
        await AssertTooLargeAsync(keys, "the answer would exceed 1 MiB (--max-response-size); ask for a smaller page (limit)");
        using var page = await http.GetAsync(new Uri(server.Endpoint, "v1.0-alpha1/state/statestore/keys?prefix=kkk&limit=2"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertTooLargeAsync(HttpResponseMessage response, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_RESPONSE_TOO_LARGE", error["errorCode"]!.GetValue<string>());
        Assert.Equal(message, error["message"]!.GetValue<string>());
    }
}
