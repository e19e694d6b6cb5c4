using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Hosting;
using CloudRuntimes.Host.NameResolution;
using CloudRuntimes.Invocation;

namespace CloudRuntimes.Host.Blocks;

/// <summary>
/// Service invocation behind both transports: which target an app id names (a URL-encoded <c>http(s)://</c> address
/// called directly, the local app, or another app's <c>--app-endpoint</c>), whether that is the local app over gRPC
/// (<see cref="GrpcAppChannel"/>), and a buffered call to an HTTP target. An address naming this runtime's own listeners
/// is refused, so an invocation cannot call the runtime itself (a chain of nested invocations of its own API).
/// </summary>
internal sealed class InvocationService(AppClient app, IAppChannel channel, RuntimeListeners listeners, PeerInvoker? peers = null)
{
    /// <summary>
    /// The base address an invocation of <paramref name="method"/> on <paramref name="appId"/> goes to; null for an app id
    /// that is neither the local app nor an <c>--app-endpoint</c> (another runtime's, if name resolution finds it; else
    /// <see cref="UnknownApp"/>).
    /// </summary>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.DirectInvokeNoMethod"/> without a method; <see cref="CloudRuntimesErrors.DirectInvokeSelf"/>
    /// for an address of this runtime's own HTTP or gRPC listener.
    /// </exception>
    public Uri? TryResolve(string appId, string? method)
    {
        if (string.IsNullOrEmpty(method))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvokeNoMethod, $"failed to invoke, id: {appId}, err: method name not provided");
        }
        // A URL-encoded http(s) address is a non-Dapr endpoint, called directly (Dapr: "invoke a non-Dapr endpoint").
        if (Uri.UnescapeDataString(appId) is var decoded && Uri.TryCreate(decoded, UriKind.Absolute, out var address) && address.Scheme is "http" or "https")
        {
            return listeners.IsOwnAddress(address)
                ? throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvokeSelf, $"failed to invoke, id: {appId}, err: {address.GetLeftPart(UriPartial.Authority)} is this runtime's own address; a runtime does not invoke itself")
                : address;
        }
        return app.ResolveApp(appId);
    }

    /// <summary>The error for an app id this runtime cannot reach.</summary>
    /// <param name="appId">The app id asked for.</param>
    /// <returns>A <see cref="CloudRuntimesErrors.DirectInvokeUnknownApp"/> exception.</returns>
    public static CloudRuntimesException UnknownApp(string appId) =>
        new(CloudRuntimesErrors.DirectInvokeUnknownApp, $"failed to invoke, id: {appId}, err: app id {appId} is not known (start the runtime with --app-port for the local app, --app-endpoint {appId}=URL, or name resolution with --config)");

    /// <summary>The gRPC app channel when <paramref name="target"/> is the local app and it speaks gRPC; null otherwise.</summary>
    public GrpcAppChannel? GrpcApp(Uri target) => target == app.AppBase ? channel as GrpcAppChannel : null;

    /// <summary>Whether name resolution is configured, so that an app id this runtime does not know may be another runtime's.</summary>
    public bool HasPeers => peers is not null;

    /// <summary>
    /// Calls another runtime's app (an app id that is neither the local app nor an <c>--app-endpoint</c>, found by name
    /// resolution) with the whole request and reads the whole answer (its status is returned, not thrown).
    /// </summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DirectInvokeUnknownApp"/> without name resolution or a live replica; <see cref="CloudRuntimesErrors.DirectInvoke"/> when no replica can be reached.</exception>
    public async Task<InvocationResponse> InvokePeerAsync(InvocationRequest request, CancellationToken cancellationToken) =>
        (peers is null ? null : await peers.InvokeAsync(request, cancellationToken)) ?? throw UnknownApp(request.AppId);

    /// <summary>Calls an HTTP target with the whole request and reads the whole answer (its status is returned, not thrown).</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DirectInvoke"/> when the target cannot be reached.</exception>
    public Task<InvocationResponse> InvokeHttpAsync(Uri target, InvocationRequest request, CancellationToken cancellationToken) =>
        app.InvokeAsync(target, request, cancellationToken);
}
