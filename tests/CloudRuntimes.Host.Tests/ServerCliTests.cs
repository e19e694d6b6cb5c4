using System.Diagnostics;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The server's command line guides (docs/runtime.md, issue #20): a usage error is one line with a hint and exit code 2;
/// start-up prints one short block (where it listens, the data folder, the components, the plugins, the app channel);
/// waiting for a starting app is quiet and a warning only once the app stays away; the data folder defaults to
/// <c>./.cloud-runtimes</c> of the directory the user runs from.
/// </summary>
public sealed class ServerCliTests : IDisposable
{
    private readonly string _root = TempFolders.New("cr-e2e-cli-");

    public ServerCliTests() => Directory.CreateDirectory(_root);

    public static TheoryData<string[], string> UsageMistakes => new()
    {
        { ["run", "--port", "abc"], "error: --port takes a whole number, got 'abc' (see 'cloud-runtimes run --help')" },
        { ["run", "--app-prot", "3000"], "error: unknown flag '--app-prot'; did you mean '--app-port'? (see 'cloud-runtimes run --help')" },
        { ["run", "--log-level", "loud"], "error: --log-level takes one of debug, error, info, warn, got 'loud' (see 'cloud-runtimes run --help')" },
        { ["run", "--port"], "error: --port needs a value (see 'cloud-runtimes run --help')" },
        { ["run", "extra"], "error: unexpected argument 'extra' (see 'cloud-runtimes run --help')" },
        { [], "error: no command given; the server runs with 'cloud-runtimes run' (see 'cloud-runtimes --help')" },
        { ["run", "--app-endpoint", "orders"], "error: --app-endpoint must be ID=URL, got 'orders' (see 'cloud-runtimes run --help')" },
    };

    [Theory]
    [MemberData(nameof(UsageMistakes))]
    public async Task A_usage_error_is_one_line_with_a_hint_and_exit_2(string[] args, string expected)
    {
        var (exitCode, stdout, stderr) = await RuntimeProcesses.RunToExitAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Equal(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Start_up_prints_where_it_listens_the_data_folder_components_plugins_and_app_channel_and_warns_only_when_the_app_stays_away()
    {
        var data = Path.Combine(_root, "data");
        var appPort = FreePorts.Next();
        await using var server = ServerProcess.Start(data, null, "--app-id", "shop", "--app-port", appPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--config-source", Path.Combine(RuntimeProcesses.RepositoryRoot, "examples", "storefront"));
        var api = server.Endpoint.ToString().TrimEnd('/');

        await server.WaitForLineAsync(TimeSpan.FromSeconds(60), "app channel: ");
        var block = server.Output.Split('\n').Where(l => l.Contains(" info: cloud-runtimes[0] ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(" info: cloud-runtimes[0] ", StringComparison.Ordinal) + " info: cloud-runtimes[0] ".Length)..]).ToList();
        Assert.Equal(
        [
            $"cloud-runtimes is ready: app id shop, HTTP API on {api}, gRPC API on 127.0.0.1:{server.GrpcEndpoint.Port} (HTTP/2 cleartext), dashboard at {api}/dashboard",
            $"data folder: {data}",
            // The default components of docs/runtime.md, with the --config-source store.
            "components: secretstore (secretstores.local.file), statestore (state.sqlite), pubsub (pubsub.sqlite), lockstore (lock.sqlite), jobs (jobs.sqlite), database (database.sqlite), files (file.local), config (configuration.rototo)",
            "plugins: guestbook at /guestbook",
            $"app channel: http://127.0.0.1:{appPort}",
        ], block);
        // The framework's own start-up lines are not repeated at info level, and the app that is starting is not a warning yet.
        Assert.DoesNotContain("Now listening on", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting", server.Output, StringComparison.OrdinalIgnoreCase);

        var warning = await server.WaitForLineAsync(TimeSpan.FromSeconds(30), " warn: ", "has not opened its port");
        Assert.EndsWith($"the app has not opened its port at http://127.0.0.1:{appPort}/ after 10 s (Connection refused); still waiting: subscriptions, bindings and jobs start once it does", warning, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(server.Output.Split('\n'), l => l.Contains("has not opened its port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_dashboard_false_the_block_names_no_dashboard_and_the_dashboard_is_not_served()
    {
        await using var server = ServerProcess.Start(Path.Combine(_root, "data"), null, "--dashboard=false");
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        var line = await server.WaitForLineAsync(TimeSpan.FromSeconds(30), "cloud-runtimes is ready");

        Assert.EndsWith($"HTTP API on {server.Endpoint.ToString().TrimEnd('/')}, gRPC API on 127.0.0.1:{server.GrpcEndpoint.Port} (HTTP/2 cleartext)", line, StringComparison.Ordinal);
        using var response = await http.GetAsync(new Uri(server.Endpoint, "dashboard/api/overview"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_default_data_folder_is_dot_cloud_runtimes_of_the_working_directory()
    {
        var port = FreePorts.Next();
        var start = RuntimeProcesses.ServerStart(["run", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        start.WorkingDirectory = _root;
        start.RedirectStandardError = false;
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(Path.Combine(_root, ".cloud-runtimes", "secrets.json")) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.True(Directory.Exists(Path.Combine(_root, ".cloud-runtimes")), "no .cloud-runtimes in the working directory");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// <c>dotnet run</c> starts the server in the directory it is run from, not the project's folder (where the Web SDK
    /// would put it, so the data landed in <c>src/CloudRuntimes.Host/.cloud-runtimes</c>): the project sets no run
    /// working directory.
    /// </summary>
    [Fact]
    public async Task Dotnet_run_keeps_the_working_directory_of_the_user()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["msbuild", Path.Combine(RuntimeProcesses.RepositoryRoot, "src", "CloudRuntimes.Host", "CloudRuntimes.Host.csproj"), "-getProperty:RunWorkingDirectory"])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", output.Trim());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
