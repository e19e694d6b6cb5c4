using CloudRuntimes.Components.Http;
using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.AppChannel;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>
/// Invocation of another app id through its runtimes: the name resolver gives its replicas; calls go round robin over
/// them (<see cref="ReplicaRotation"/>) to <c>/v1.0-internal/invoke/{appId}/method/{method}</c> of the replica's runtime
/// with the shared secret. A replica that cannot be connected to is passed over for a while and the call goes to the
/// next one (the request was not sent, so nothing runs twice); a replica that fails after the request was sent is not retried.
/// </summary>
internal sealed class PeerInvoker(HttpClient http, PeerNetwork network, PeerAuthentication authentication, ReplicaRotation rotation, ILogger<PeerInvoker> logger)
{
    /// <summary>Invokes <paramref name="method"/> of <paramref name="appId"/> with the request of <paramref name="context"/> and writes the answer.</summary>
    /// <returns>False when the app id has no live replica (nothing was written).</returns>
    public async Task<bool> TryInvokeAsync(string appId, string method, HttpContext context)
    {
        IReadOnlyList<Uri> replicas;
        try
        {
            replicas = await network.Resolver.ResolveAsync(appId, context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("invocation of {AppId}: name resolution failed: {Error}", appId, e.Message);
            await ApiErrors.Result(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {appId}, err: name resolution failed: {e.Message}").ExecuteAsync(context);
            return true;
        }
        if (replicas.Count == 0)
        {
            return false;
        }
        var incoming = context.Request;
        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body, context.RequestAborted);
        var failures = new List<string>();
        foreach (var replica in rotation.Order(appId, replicas))
        {
            var url = TargetUrl.Under(replica, $"v1.0-internal/invoke/{Uri.EscapeDataString(appId)}/method/{method}", incoming.QueryString.Value);
            using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), url);
            if (body.Length > 0)
            {
                request.Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            }
            HttpForwarding.CopyRequestHeaders(incoming, request);
            request.Headers.Remove("dapr-app-id");
            request.Headers.TryAddWithoutValidation(PeerAuthentication.Header, authentication.Secret);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                rotation.MarkDown(replica);
                logger.LogWarning("invocation of {AppId}: replica {Replica} cannot be reached ({Error}); trying another", appId, replica, e.Message);
                failures.Add($"{replica}: {e.Message}");
                continue;
            }
            catch (HttpRequestException e)
            {
                await ApiErrors.Result(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {appId}, err: replica {replica} failed: {e.Message}").ExecuteAsync(context);
                return true;
            }
            using (response)
            {
                await HttpForwarding.CopyResponseAsync(response, context);
            }
            return true;
        }
        await ApiErrors.Result(CloudRuntimesErrors.DirectInvoke, $"failed to invoke, id: {appId}, err: no replica could be reached ({string.Join("; ", failures)})").ExecuteAsync(context);
        return true;
    }
}
