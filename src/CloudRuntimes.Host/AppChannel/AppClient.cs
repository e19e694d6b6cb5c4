using CloudRuntimes.Host.Api;
using CloudRuntimes.Components.Http;
using CloudRuntimes.Invocation;
using System.Net.Http.Headers;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// Calls from the runtime to apps: the local app at <c>--app-port</c> (with the app token in <c>dapr-api-token</c>)
/// and other apps at their configured endpoints (service invocation).
/// </summary>
internal sealed class AppClient(HttpClient http, RuntimeOptions options, AppConcurrency concurrency, ILogger<AppClient> logger)
{
    /// <summary>True when an app port is configured.</summary>
    public bool Configured => options.AppPort is not null;

    /// <summary>The local app's base address, or null.</summary>
    public Uri? AppBase => options.AppPort is { } port ? new Uri($"http://{options.AppAddress}:{port}") : null;

    /// <summary>The base address of an app id: the local app or a configured endpoint.</summary>
    public Uri? ResolveApp(string appId) =>
        appId == options.AppId ? AppBase : options.AppEndpoints.GetValueOrDefault(appId);

    /// <summary>How long the app may take to open its port before the wait is a warning (a starting app is normal; one that stays away is not).</summary>
    public static readonly TimeSpan AppStartGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits until the local app accepts TCP connections on its port (as Dapr's sidecar does before it opens the app
    /// channel), however long that takes: the wait is logged at debug level while the app starts, then as a warning
    /// saying how long it has been, after <see cref="AppStartGrace"/> and every 30 s after that.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait (the runtime is stopping).</param>
    /// <param name="report">Log the wait; false for a second waiter (the app's triggers wait beside its subscriptions, which report it).</param>
    /// <returns>A task that completes when the app's port is open.</returns>
    /// <exception cref="OperationCanceledException">The runtime stopped first.</exception>
    public async Task WaitForAppAsync(CancellationToken cancellationToken, bool report = true)
    {
        var target = AppBase ?? throw new InvalidOperationException("no --app-port");
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var warnAt = AppStartGrace;
        if (report)
        {
            logger.LogDebug("waiting for the app to open its port at {App}", target);
        }
        while (true)
        {
            try
            {
                using var socket = new System.Net.Sockets.TcpClient();
                await socket.ConnectAsync(target.Host, target.Port, cancellationToken);
                if (report)
                {
                    logger.LogDebug("the app's port at {App} is open after {Seconds:0.0} s", target, waiting.Elapsed.TotalSeconds);
                }
                return;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                if (report && waiting.Elapsed >= warnAt)
                {
                    logger.LogWarning("the app has not opened its port at {App} after {Seconds:0} s ({Error}); still waiting: subscriptions, bindings and jobs start once it does",
                        target, waiting.Elapsed.TotalSeconds, e.Message);
                    warnAt = waiting.Elapsed + TimeSpan.FromSeconds(30);
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Sends a request to the local app.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var target = AppBase ?? throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvoke, "app channel not initialized: no --app-port");
        using var request = new HttpRequestMessage(method, TargetUrl.Under(target, path)) { Content = content };
        request.Headers.TryAddWithoutValidation("dapr-app-id", options.AppId);
        if (options.AppToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var slot = await AppSlotAsync(target, cancellationToken);
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Waits for a slot when the request goes to the local app and <c>--app-max-concurrency</c> is set; disposing frees it.</summary>
    private async Task<IDisposable?> AppSlotAsync(Uri target, CancellationToken cancellationToken)
    {
        if (concurrency.Slots is not { } slots || target != AppBase)
        {
            return null;
        }
        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }

    /// <summary>
    /// Invokes a method of an app with the whole request (gRPC <c>InvokeService</c> of an HTTP app): verb, path, query,
    /// headers and body go to the target; its whole response comes back, whatever its status.
    /// </summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DirectInvoke"/> when the target cannot be reached.</exception>
    public async Task<InvocationResponse> InvokeAsync(Uri target, InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var url = TargetUrl.Under(target, "/" + invocation.Method, string.IsNullOrEmpty(invocation.QueryString) ? null : "?" + invocation.QueryString);
        using var request = HttpForwarding.ToRequest(url, invocation);
        if (options.AppToken is { } token && target == AppBase)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }
        using var slot = await AppSlotAsync(target, cancellationToken);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            return await HttpForwarding.ReadResponseAsync(response, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvoke, $"failed to invoke {url}: {e.Message}", e);
        }
    }

    /// <summary>Forwards an invocation: verb, path, query, headers and body go to the target; its response comes back unchanged.</summary>
    public async Task ForwardAsync(Uri target, string path, HttpContext context)
    {
        var incoming = context.Request;
        var url = TargetUrl.Under(target, path, incoming.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), url);
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }
        HttpForwarding.CopyRequestHeaders(incoming, request);
        if (options.AppToken is { } token && target == AppBase)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }
        using var slot = await AppSlotAsync(target, context.RequestAborted);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("invocation of {Url} failed: {Error}", url, e.Message);
            await ApiErrors.Result(CloudRuntimesErrors.DirectInvoke, $"failed to invoke {url}: {e.Message}", 500).ExecuteAsync(context);
            return;
        }
        using (response)
        {
            await HttpForwarding.CopyResponseAsync(response, context);
        }
    }
}

/// <summary>The process-wide limit on requests in flight to the local app (<c>--app-max-concurrency</c>), shared by every <see cref="AppClient"/>.</summary>
internal sealed class AppConcurrency(RuntimeOptions options) : IDisposable
{
    /// <summary>One slot per request allowed at once; null for no limit.</summary>
    public SemaphoreSlim? Slots { get; } = options.AppMaxConcurrency is { } limit ? new SemaphoreSlim(limit, limit) : null;

    public void Dispose() => Slots?.Dispose();
}
