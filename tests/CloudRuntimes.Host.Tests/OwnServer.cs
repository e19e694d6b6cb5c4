namespace CloudRuntimes.Host.Tests;

/// <summary>A server process of a test class's own, started with its flags on a fresh data folder that is removed with it.</summary>
internal sealed class OwnServer : IAsyncDisposable
{
    private OwnServer(string data, ServerProcess process)
    {
        Data = data;
        Process = process;
    }

    /// <summary>The data folder (<c>--data</c>), under the temporary folder.</summary>
    public string Data { get; }

    /// <summary>The running server.</summary>
    public ServerProcess Process { get; }

    /// <summary>Starts <c>run</c> with <paramref name="arguments"/> on a new folder named after <paramref name="purpose"/>, and waits until it is healthy.</summary>
    public static async Task<OwnServer> StartAsync(HttpClient http, string purpose, params string[] arguments)
    {
        var data = TempFolders.New($"cr-e2e-{purpose}-");
        var process = ServerProcess.Start(data, null, arguments);
        await process.WaitHealthyAsync(http);
        return new OwnServer(data, process);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Directory.Delete(Data, recursive: true);
    }
}
