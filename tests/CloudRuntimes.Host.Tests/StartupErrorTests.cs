using System.Net;
using System.Net.Sockets;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A server that cannot start says why in one line, <c>error: FILE: ...</c> for a bad resource file, and exits 1:
/// no stack trace, nothing else on stderr (docs/security.md, docs/runtime.md).
/// </summary>
public sealed class StartupErrorTests : IDisposable
{
    private readonly string _root = TempFolders.New("cr-e2e-startup-");

    public StartupErrorTests() => Directory.CreateDirectory(_root);

    public static TheoryData<string, string, string> BadResources => new()
    {
        {
            "duplicate",
            """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
            """,
            "component 'statestore' is defined twice"
        },
        { "not-yaml", "kind: Component\nmetadata: [oops", "invalid YAML at line" },
        { "no-type", "kind: Component\nmetadata:\n  name: x\nspec:\n  version: v1\n", "component 'x' has no spec.type" },
        { "unknown-type", "kind: Component\nmetadata:\n  name: x\nspec:\n  type: state.nowhere\n", "component 'x' has unknown type 'state.nowhere'" },
        { "bad-metadata", "kind: Component\nmetadata:\n  name: q\nspec:\n  type: pubsub.in-memory\n  metadata:\n  - name: concurrency\n    value: many\n", "component 'q' metadata 'concurrency'" },
        { "missing-metadata", "kind: Component\nmetadata:\n  name: s\nspec:\n  type: secretstores.local.file\n", "component 's' (secretstores.local.file) needs metadata 'secretsFile'" },
        { "missing-secret-store", "kind: Component\nmetadata:\n  name: b\nauth:\n  secretStore: vault\nspec:\n  type: bindings.http\n  metadata:\n  - name: url\n    secretKeyRef:\n      name: u\n", "refers to secret store 'vault', which is not defined" },
        { "subscription-without-topic", "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: pubsub\n  routes:\n    default: /x\n", "Subscription 's' needs spec.pubsubname, spec.topic" },
        { "subscription-bad-rule", "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: pubsub\n  topic: t\n  routes:\n    rules:\n    - match: 'event.type =='\n      path: /x\n", "routing rule 'event.type ==' is not a valid CEL expression" },
        { "subscription-bad-attempts", "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: pubsub\n  topic: t\n  route: /x\n  metadata:\n    maxDeliveryAttempts: \"0\"\n", "Subscription 's' metadata maxDeliveryAttempts must be a positive integer, got '0'" },
        { "subscription-metadata-list", "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: pubsub\n  topic: t\n  route: /x\n  metadata:\n  - name: maxDeliveryAttempts\n    value: \"2\"\n", "Subscription 's': spec.metadata must map names to strings" },
        { "subscription-bad-bulk", "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: pubsub\n  topic: t\n  route: /x\n  bulkSubscribe:\n    enabled: true\n    maxMessagesCount: -3\n", "bulkSubscribe maxMessagesCount and maxAwaitDurationMs must be positive integers" },
    };

    [Theory]
    [MemberData(nameof(BadResources))]
    public async Task A_bad_resource_file_is_one_error_line_naming_the_file_and_exit_1(string name, string yaml, string reason)
    {
        var resources = Path.Combine(_root, name);
        Directory.CreateDirectory(resources);
        var file = Path.Combine(resources, "bad.yaml");
        await File.WriteAllTextAsync(file, yaml);

        var (exitCode, _, stderr) = await RuntimeProcesses.RunToExitAsync("run", "--port", "0", "--data", Path.Combine(_root, name + "-data"), "--resources-path", resources);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {file}: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_port_is_one_error_line_and_exit_1()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, stderr) = await RuntimeProcesses.RunToExitAsync("run", "--port", port, "--data", Path.Combine(_root, "busy-data"));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: Failed to bind to address http://127.0.0.1:{port}: address already in use.", line);
    }

    [Fact]
    public async Task A_busy_grpc_port_is_one_error_line_and_exit_1()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, stderr) = await RuntimeProcesses.RunToExitAsync("run", "--port", "0", "--dapr-grpc-port", port, "--data", Path.Combine(_root, "busy-grpc-data"));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: Failed to bind to address http://127.0.0.1:{port}: address already in use.", line);
    }

    [Fact]
    public async Task A_missing_native_library_is_one_error_line_naming_it_and_exit_1()
    {
        // The build's folder without SQLite's native library, as when an executable runs away from its published files
        // (hard links: nothing is copied). The native AOT executable under test (CLOUD_RUNTIMES_SERVER) was checked by hand.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CLOUD_RUNTIMES_SERVER")) || !OperatingSystem.IsLinux())
        {
            Assert.Skip("needs the JIT build on Linux");
        }
        var build = Path.GetDirectoryName(RuntimeProcesses.HostAssembly)!;
        var copy = Path.Combine(_root, "build");
        using (var link = System.Diagnostics.Process.Start("cp", ["-al", build, copy]))
        {
            await link.WaitForExitAsync();
            Assert.Equal(0, link.ExitCode);
        }
        foreach (var library in Directory.GetFiles(copy, "libe_sqlite3.so", SearchOption.AllDirectories))
        {
            File.Delete(library);
        }
        var start = RuntimeProcesses.ServerStart(["run", "--port", "0", "--dapr-grpc-port", "0", "--data", Path.Combine(_root, "native-data")]);
        start.ArgumentList[0] = Path.Combine(copy, Path.GetFileName(RuntimeProcesses.HostAssembly));

        using var server = System.Diagnostics.Process.Start(start)!;
        var stderr = server.StandardError.ReadToEndAsync();
        _ = server.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, server.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: cannot load the native library 'e_sqlite3' (or one it depends on): run the server from its complete build or publish folder", line);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
