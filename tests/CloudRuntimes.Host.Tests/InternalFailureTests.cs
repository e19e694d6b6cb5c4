using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A failure the server did not anticipate, driven through the real server process: the caller gets a fixed message
/// with the request's id, never the .NET exception's text (a host path, a library's internals); the server's log has
/// the exception under that id (docs/security.md). The failure: the file component's folder (<c>DATA/files</c>)
/// replaced by a regular file while the server runs; over gRPC, a <c>bindings.localstorage</c> binding's folder, the same way.
/// </summary>
public sealed partial class InternalFailureTests : IDisposable
{
    private readonly string _data = TempFolders.New("cr-e2e-internal-");

    [Fact]
    public async Task A_back_end_failure_answers_an_id_not_the_exception_and_the_log_has_it()
    {
        await using var server = ServerProcess.Start(_data, null);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        var files = Path.Combine(_data, "files");
        Directory.Delete(files, recursive: true);
        await File.WriteAllTextAsync(files, "not a folder");

        // Listing enumerates the folder: an exception no code path expects.
        using var list = await http.GetAsync(new Uri(server.Endpoint, "v1.0-alpha1/files/files"));
        var listed = await AssertHidesTheFailureAsync(list, "ERR_INTERNAL");
        var id = IdOf(listed);
        Assert.Equal($"internal error (id {id}); the server log has the details", listed);
        await server.WaitForLineAsync(TimeSpan.FromSeconds(10), "GET /v1.0-alpha1/files/files failed", $"(id {id})");

        // Writing fails in the component, which names the file and the kind of failure but not the operating system's message.
        using var put = await http.PutAsync(new Uri(server.Endpoint, "v1.0-alpha1/files/files/a.txt"), new StringContent("hello"));
        var written = await AssertHidesTheFailureAsync(put, "ERR_FILE");
        var writeId = IdOf(written);
        Assert.Equal($"file store files: writing 'a.txt' failed: a folder of the path is missing (id {writeId})", written);
        await server.WaitForLineAsync(TimeSpan.FromSeconds(10), "PUT /v1.0-alpha1/files/files/a.txt failed", $"(id {writeId})");
    }

    [Fact]
    public async Task A_back_end_failure_over_grpc_is_internal_with_an_id_and_the_log_has_it()
    {
        var components = Directory.CreateDirectory(Path.Combine(_data, "components")).FullName;
        var storage = Directory.CreateDirectory(Path.Combine(_data, "storage")).FullName;
        await File.WriteAllTextAsync(Path.Combine(components, "storage.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: storage
            spec:
              type: bindings.localstorage
              version: v1
              metadata:
              - name: rootPath
                value: "{storage}"
            """);
        await using var server = ServerProcess.Start(Path.Combine(_data, "data"), null, "--components-path", components);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        Directory.Delete(storage);
        await File.WriteAllTextAsync(storage, "not a folder");
        using var channel = DaprGrpc.Channel(server.GrpcEndpoint);

        // Listing enumerates the folder, now a file: an exception no code path expects.
        var failed = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).InvokeBindingAsync(new Proto.InvokeBindingRequest { Name = "storage", Operation = "list" }).ResponseAsync);

        Assert.Equal(StatusCode.Internal, failed.StatusCode);
        Assert.Equal("ERR_INTERNAL", DaprGrpc.ErrorInfo(failed).Reason);
        var message = failed.Status.Detail;
        Assert.DoesNotContain(_data, message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        var id = IdOf(message);
        Assert.Equal($"internal error (id {id}); the server log has the details", message);
        Assert.DoesNotContain(failed.Trailers, t => !t.IsBinary && t.Value.Contains("Exception", StringComparison.Ordinal));
        await server.WaitForLineAsync(TimeSpan.FromSeconds(10), "/dapr.proto.runtime.v1.Dapr/InvokeBinding failed", $"(id {id})");
    }

    private async Task<string> AssertHidesTheFailureAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(_data, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        var error = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, error["errorCode"]!.GetValue<string>());
        return error["message"]!.GetValue<string>();
    }

    private static string IdOf(string message) =>
        Assert.Single(Id().Matches(message)).Groups[1].Value;

    [GeneratedRegex(@"\(id ([^);]+)")]
    private static partial Regex Id();

    public void Dispose()
    {
        foreach (var replaced in new[] { "files", "storage" })
        {
            if (File.Exists(Path.Combine(_data, replaced)))
            {
                File.Delete(Path.Combine(_data, replaced));
            }
        }
        Directory.Delete(_data, recursive: true);
    }
}
