using CloudRuntimes.Components.Http;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Invocation;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>
/// Invocation of another app id through its runtimes: the name resolver gives its replicas; calls go round robin over
/// them (<see cref="ReplicaRotation"/>) to <c>/v1.0-internal/invoke/{appId}/method/{method}</c> of the replica's runtime
/// with the shared secret. A replica that cannot be connected to is passed over for a while and the call goes to the
/// next one (the request was not sent, so nothing runs twice); a replica that fails after the request was sent is not
/// retried. Used by the HTTP API (the request streamed through) and the gRPC API (a buffered <see cref="InvocationRequest"/>).
/// </summary>
internal sealed class PeerInvoker(HttpClient http, PeerNetwork network, PeerAuthentication authentication, ReplicaRotation rotation, ILogger<PeerInvoker> logger)
{
    /// <summary>Invokes <paramref name="method"/> of <paramref name="appId"/> with the request of <paramref name="context"/> and writes the answer.</summary>
    /// <returns>False when the app id has no live replica (nothing was written).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DirectInvoke"/> when name resolution fails or no replica can be reached.</exception>
    public async Task<bool> TryInvokeAsync(string appId, string method, HttpContext context)
    {
        var incoming = context.Request;
        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body, context.RequestAborted);
        using var response = await SendAsync(appId, replica =>
        {
            var request = new HttpRequestMessage(new HttpMethod(incoming.Method), Url(replica, appId, method, incoming.QueryString.Value));
            if (body.Length > 0)
            {
                request.Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            }
            HttpForwarding.CopyRequestHeaders(incoming, request);
            return request;
        }, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        if (response is null)
        {
            return false;
        }
        await HttpForwarding.CopyResponseAsync(response, context);
        return true;
    }

    /// <summary>Invokes a method of <see cref="InvocationRequest.AppId"/> with a buffered request and reads the whole answer.</summary>
    /// <returns>The answer, whatever its status; null when the app id has no live replica.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DirectInvoke"/> when name resolution fails or no replica can be reached.</exception>
    public async Task<InvocationResponse?> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var query = string.IsNullOrEmpty(invocation.QueryString) ? null : "?" + invocation.QueryString;
        using var response = await SendAsync(invocation.AppId, replica => HttpForwarding.ToRequest(Url(replica, invocation.AppId, invocation.Method, query), invocation),
            HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response is null ? null : await HttpForwarding.ReadResponseAsync(response, cancellationToken);
    }

    private static Uri Url(Uri replica, string appId, string method, string? query) =>
        TargetUrl.Under(replica, $"v1.0-internal/invoke/{Uri.EscapeDataString(appId)}/method/{method}", query);

    /// <summary>Sends the request <paramref name="build"/> makes for each replica in turn until one accepts the connection.</summary>
    /// <returns>The answer; null when the app id has no live replica.</returns>
    private async Task<HttpResponseMessage?> SendAsync(string appId, Func<Uri, HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        IReadOnlyList<Uri> replicas;
        try
        {
            replicas = await network.Resolver.ResolveAsync(appId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {appId}, err: name resolution failed", e);
        }
        if (replicas.Count == 0)
        {
            return null;
        }
        var failures = new List<string>();
        foreach (var replica in rotation.Order(appId, replicas))
        {
            using var request = build(replica);
            request.Headers.TryAddWithoutValidation(PeerAuthentication.Header, authentication.Secret);
            try
            {
                return await http.SendAsync(request, completion, cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                rotation.MarkDown(replica);
                logger.LogWarning("invocation of {AppId}: replica {Replica} cannot be reached ({Error}); trying another", appId, replica, e.Message);
                failures.Add($"{replica}: {e.Message}");
            }
            catch (HttpRequestException e)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {appId}, err: replica {replica} failed: {e.Message}");
            }
        }
        throw new CloudRuntimesException(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {appId}, err: no replica could be reached ({string.Join("; ", failures)})");
    }
}
