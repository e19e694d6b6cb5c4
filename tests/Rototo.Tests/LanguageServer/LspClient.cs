using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using StreamJsonRpc;

namespace Rototo.Tests.LanguageServer;

/// <summary>A language-server client driving the real <c>rototo lsp</c> process over its stdio (StreamJsonRpc, Content-Length framing).</summary>
internal sealed class LspClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;
    private readonly Channel<JsonObject> _diagnostics = Channel.CreateUnbounded<JsonObject>();

    private LspClient(Process process)
    {
        _process = process;
        var formatter = new SystemTextJsonFormatter();
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter));
        _rpc.AddLocalRpcTarget(new Notifications(_diagnostics.Writer), new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        _rpc.StartListening();
    }

    public Process Process => _process;

    /// <summary>Starts <c>rototo lsp</c> in <paramref name="workingDirectory"/>.</summary>
    public static LspClient Start(string workingDirectory) => new(Process.Start(StartInfo(workingDirectory))!);

    /// <summary>How to start <c>rototo lsp</c> in <paramref name="workingDirectory"/> with its stdio redirected.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory) => RototoCommand.StartInfo(workingDirectory, ["lsp"]);

    public async Task<JsonNode?> RequestAsync(string method, object? parameters = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await _rpc.InvokeWithParameterObjectAsync<JsonElement?>(method, parameters, timeout.Token);
        return result is { } element ? JsonNode.Parse(element.GetRawText()) : null;
    }

    public Task NotifyAsync(string method, object? parameters = null) => _rpc.NotifyWithParameterObjectAsync(method, parameters);

    /// <summary>Waits for the next <c>publishDiagnostics</c> for <paramref name="uri"/> that satisfies <paramref name="accept"/>.</summary>
    public async Task<JsonArray> DiagnosticsAsync(string uri, Func<JsonArray, bool> accept)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var published = await _diagnostics.Reader.ReadAsync(timeout.Token);
            if (published["uri"]!.GetValue<string>() == uri && published["diagnostics"]!.AsArray() is var list && accept(list))
            {
                return list;
            }
        }
    }

    /// <summary>
    /// Reads the next <paramref name="count"/> <c>publishDiagnostics</c> (a re-lint publishes each document once), within
    /// <paramref name="timeout"/>: each URI's list.
    /// </summary>
    public async Task<Dictionary<string, JsonArray>> PublishedAsync(int count, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var published = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var item = await _diagnostics.Reader.ReadAsync(cancel.Token);
            published[item["uri"]!.GetValue<string>()] = item["diagnostics"]!.AsArray();
        }
        return published;
    }

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private sealed class Notifications(ChannelWriter<JsonObject> diagnostics)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics")]
        public void Publish(JsonElement parameters) => diagnostics.TryWrite(JsonNode.Parse(parameters.GetRawText())!.AsObject());
    }
}
