using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Rototo.LanguageServer.Protocol;

/// <summary>
/// LSP framing (<c>Content-Length</c> headers) with rototo's wording for an unknown method: error -32601
/// <c>method not found</c> (§16), where StreamJsonRpc would name the method in its own sentence.
/// </summary>
internal sealed class LspMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter)
    : HeaderDelimitedMessageHandler(output, input, formatter)
{
    /// <inheritdoc />
    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        if (content is JsonRpcError { Error: { Code: JsonRpcErrorCode.MethodNotFound } error })
        {
            error.Message = "method not found";
        }
        base.Write(content, cancellationToken);
    }
}
