using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Another language against the gRPC API: the official Dapr JS SDK (<c>@dapr/dapr</c> 3.18, installed by
/// <c>.ci/setup/dapr-js-sdk.sh</c>) in gRPC mode (<c>CommunicationProtocolEnum.GRPC</c>) saves and reads state and
/// publishes against the real server process (<c>dapr-js/grpc-client.mjs</c>). Skipped when Node.js or the SDK is missing.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DaprJsSdkTests(RuntimeProcesses runtime)
{
    private static string Folder => Path.Combine(RuntimeProcesses.RepositoryRoot, "tests", "CloudRuntimes.Host.Tests", "dapr-js");

    [Fact]
    public async Task The_dapr_js_sdk_in_grpc_mode_saves_reads_state_and_publishes()
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", "@dapr", "dapr", "package.json")))
        {
            Assert.Skip("the Dapr JS SDK is not installed (run .ci/setup/dapr-js-sdk.sh, which needs npm)");
        }
        var key = "js-" + Guid.NewGuid().ToString("N");
        var marker = Guid.NewGuid().ToString("N");

        var output = await RunNodeAsync(runtime.RuntimeGrpcEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), key, marker);

        var result = JsonNode.Parse(output)!;
        Assert.Equal(marker, result["read"]!["marker"]!.GetValue<string>());
        Assert.Equal("dapr-js", result["read"]!["from"]!.GetValue<string>());
        // gRPC InvalidArgument (3) with Dapr's message for an unknown store.
        Assert.Equal(3, result["unknownStore"]!["code"]!.GetValue<int>());
        Assert.Equal("state store nope is not found", result["unknownStore"]!["message"]!.GetValue<string>());
        // What the JS SDK saved over gRPC is what the HTTP API serves.
        Assert.Equal($$"""{"marker":"{{marker}}","from":"dapr-js"}""", await runtime.Http.GetStringAsync(new Uri(runtime.RuntimeEndpoint, $"v1.0/state/statestore/{key}")));
        var events = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker);
        var cloudEvent = Assert.Single(events)["body"]!;
        Assert.Equal("application/json", cloudEvent["datacontenttype"]!.GetValue<string>());
        Assert.Equal(RuntimeProcesses.AppId, cloudEvent["source"]!.GetValue<string>());
    }

    private static async Task<string> RunNodeAsync(params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("grpc-client.mjs");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("node is not installed");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the Dapr JS SDK script did not finish within 60 s: {await stderr}");
            }
            Assert.True(process.ExitCode == 0, $"the Dapr JS SDK script failed ({process.ExitCode}): {await stderr}");
            return (await stdout).Trim().Split('\n')[^1];
        }
    }
}
