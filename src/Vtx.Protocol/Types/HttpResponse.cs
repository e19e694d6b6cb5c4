namespace Vtx.Protocol;

/// <summary>
/// WIT <c>types.http-response</c>: the status and optional body a plugin answers with. The body
/// buffer is owned by the receiver, which disposes it.
/// </summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Body">The response body, or <see langword="null"/> for a status-only answer.</param>
public sealed record HttpResponse(ushort Status, VtxBuffer? Body);
