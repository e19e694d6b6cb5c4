using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Hostile sizes and numbers against the real server process: every limit answers with its status and error code
/// (413 for sizes, 400 for values out of range), never 500, and nothing already stored is lost (docs/security.md).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class InputLimitTests(RuntimeProcesses runtime)
{
    private HttpClient Http => runtime.Http;

    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task The_default_secret_store_serves_its_file_and_never_the_servers_environment()
    {
        using var bulk = await Http.GetAsync(Url("v1.0/secrets/secretstore/bulk"));
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var secrets = (await bulk.Content.ReadFromJsonAsync<JsonObject>())!;
        // Exactly what DATA/secrets.json holds (written by the fixture): not APP_API_TOKEN, PATH or anything else.
        Assert.Equal($$$"""{"{{{RuntimeProcesses.SecretName}}}":{"{{{RuntimeProcesses.SecretName}}}":"{{{RuntimeProcesses.SecretValue}}}"}}""", secrets.ToJsonString());

        using var token = await Http.GetAsync(Url("v1.0/secrets/secretstore/APP_API_TOKEN"));
        Assert.Equal(HttpStatusCode.NoContent, token.StatusCode);
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_413_and_the_stored_file_is_kept()
    {
        var name = "limit-" + Guid.NewGuid().ToString("N") + ".txt";
        using var first = await Http.PutAsync(Url($"v1.0-alpha1/files/files/{name}"), new StringContent("kept"));
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

        var oversized = new byte[5 * 1024 * 1024];
        // As curl does for large bodies, the client waits for 100-continue, so the server's early answer reaches it.
        using var putRequest = new HttpRequestMessage(HttpMethod.Put, Url($"v1.0-alpha1/files/files/{name}")) { Content = new ByteArrayContent(oversized) };
        putRequest.Headers.ExpectContinue = true;
        using var put = await Http.SendAsync(putRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, put.StatusCode);
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", (await put.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        Assert.Equal("kept", await Http.GetStringAsync(Url($"v1.0-alpha1/files/files/{name}")));

        using var stateRequest = new HttpRequestMessage(HttpMethod.Post, Url("v1.0/state/statestore")) { Content = new ByteArrayContent(oversized) };
        stateRequest.Headers.ExpectContinue = true;
        using var state = await Http.SendAsync(stateRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, state.StatusCode);
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", (await state.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Metadata_holds_a_bounded_number_of_bounded_entries()
    {
        var data = TempFolders.New("cr-e2e-metadata-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null);

        using var tooLarge = await Http.PutAsync(new Uri(endpoint, "v1.0/metadata/big"), new StringContent(new string('x', 16 * 1024 + 1)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", (await tooLarge.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        using var longKey = await Http.PutAsync(new Uri(endpoint, "v1.0/metadata/" + new string('k', 257)), new StringContent("v"));
        Assert.Equal(HttpStatusCode.BadRequest, longKey.StatusCode);

        // 64 entries are allowed (the largest value included); the 65th key is refused, replacing one is not.
        for (var i = 0; i < 64; i++)
        {
            using var set = await Http.PutAsync(new Uri(endpoint, $"v1.0/metadata/k{i}"), new StringContent(i == 0 ? new string('x', 16 * 1024) : "v"));
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        }
        using var oneTooMany = await Http.PutAsync(new Uri(endpoint, "v1.0/metadata/k64"), new StringContent("v"));
        Assert.Equal(HttpStatusCode.BadRequest, oneTooMany.StatusCode);
        using var replace = await Http.PutAsync(new Uri(endpoint, "v1.0/metadata/k1"), new StringContent("w"));
        Assert.Equal(HttpStatusCode.NoContent, replace.StatusCode);

        var extended = (await Http.GetFromJsonAsync<JsonObject>(new Uri(endpoint, "v1.0/metadata")))!["extended"]!.AsObject();
        Assert.Equal(64, extended.Count);
        Assert.Equal("w", extended["k1"]!.GetValue<string>());
        Assert.False(extended.ContainsKey("big"));
    }

    [Theory]
    [InlineData("v1.0/state/statestore", """[{"key":"ttl-max","value":1,"metadata":{"ttlInSeconds":"9223372036854775807"}}]""", "ERR_MALFORMED_REQUEST")]
    [InlineData("v1.0/state/statestore", """[{"key":"ttl-over","value":1,"metadata":{"ttlInSeconds":"2147483648"}}]""", "ERR_MALFORMED_REQUEST")]
    [InlineData("v1.0/publish/pubsub/limits?metadata.ttlInSeconds=9223372036854775807", """{"a":1}""", "ERR_MALFORMED_REQUEST")]
    [InlineData("v1.0-alpha1/jobs/far-away", """{"dueTime":"99999999999h"}""", "ERR_JOB_INVALID")]
    [InlineData("v1.0-alpha1/jobs/far-away-iso", """{"dueTime":"P99999999999Y"}""", "ERR_JOB_INVALID")]
    [InlineData("v1.0-alpha1/jobs/far-schedule", """{"schedule":"@every 99999999999h"}""", "ERR_JOB_INVALID")]
    public async Task Numbers_out_of_range_are_400_with_an_error_code(string path, string body, string errorCode)
    {
        using var response = await Http.PostAsync(Url(path), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }
}
