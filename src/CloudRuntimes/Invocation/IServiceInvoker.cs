namespace CloudRuntimes.Invocation;

/// <summary>Service invocation (Dapr <c>/v1.0/invoke/{app-id}/method/{method}</c>): calls a method of another app.</summary>
public interface IServiceInvoker
{
    /// <summary>Invokes a method; the target's status, headers and body come back as they are (a non-2xx status is not an error).</summary>
    /// <param name="request">Target app, method, verb, query, headers and body.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The target's response.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DirectInvoke"/> when the app cannot be reached.</exception>
    Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default);
}

/// <summary>A method call.</summary>
/// <param name="AppId">The target app id.</param>
/// <param name="Method">The method path (may contain '/').</param>
/// <param name="HttpVerb">HTTP verb, e.g. <c>POST</c>.</param>
/// <param name="Body">Request body.</param>
/// <param name="ContentType">Body MIME type; null for none.</param>
/// <param name="QueryString">Query string without '?'; null for none.</param>
/// <param name="Headers">Headers to forward.</param>
public sealed record InvocationRequest(
    string AppId,
    string Method,
    string HttpVerb,
    ReadOnlyMemory<byte> Body,
    string? ContentType = null,
    string? QueryString = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>The target's response.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Body">Response body.</param>
/// <param name="ContentType">Body MIME type, if any.</param>
/// <param name="Headers">Response headers.</param>
public sealed record InvocationResponse(int StatusCode, ReadOnlyMemory<byte> Body, string? ContentType, IReadOnlyDictionary<string, string> Headers);
