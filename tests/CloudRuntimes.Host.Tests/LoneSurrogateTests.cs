using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A JSON string holding a lone UTF-16 surrogate (<c>"\ud800"</c>: valid JSON, no Unicode text) is the request's error
/// against the real server process: 400 <c>ERR_MALFORMED_REQUEST</c>, never 500 (docs/security.md).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class LoneSurrogateTests(RuntimeProcesses runtime)
{
    private const string Message = @"request body is not valid: a string holds a lone UTF-16 surrogate (an unpaired \uD800-\uDFFF escape)";

    [Theory]
    [InlineData("v1.0/state/statestore", """[{"key":"surrogate","value":"\ud800"}]""", Message)]
    [InlineData("v1.0/state/statestore/transaction", """{"operations":[{"operation":"upsert","request":{"key":"surrogate","value":{"a":"x\udc00"}}}]}""", Message)]
    [InlineData("v1.0/publish/bulk/pubsub/surrogates", """[{"entryId":"1","event":"\ud800","contentType":"text/plain"}]""", Message)]
    [InlineData("v1.0-alpha1/database/database/query", """{"sql":"SELECT ? AS a","params":["\ud800"]}""", "database database: " + Message)]
    public async Task A_lone_surrogate_is_400_malformed_request(string path, string body, string message)
    {
        using var response = await runtime.Http.PostAsync(new Uri(runtime.RuntimeEndpoint, path), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_MALFORMED_REQUEST", error["errorCode"]!.GetValue<string>());
        Assert.Equal(message, error["message"]!.GetValue<string>());
    }
}
