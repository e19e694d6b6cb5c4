namespace CloudRuntimes;

/// <summary>
/// Every failure of a building block. <see cref="Error"/> is an entry of the error catalogue
/// (<see cref="CloudRuntimesErrors"/>): a stable, machine-readable code (Dapr's where Dapr has one) with the HTTP and
/// gRPC status the runtime server answers with; the HTTP error body is <c>{"errorCode": "...", "message": "..."}</c>.
/// </summary>
public sealed class CloudRuntimesException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="error">The catalogue entry (<see cref="CloudRuntimesErrors"/>), or one read off the wire.</param>
    /// <param name="message">What failed, naming the store, key or request.</param>
    /// <param name="innerException">The back end's failure, if any.</param>
    public CloudRuntimesException(CloudRuntimesError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>What kind of failure this is: code, HTTP status and gRPC status.</summary>
    public CloudRuntimesError Error { get; }

    /// <summary>The stable error code, e.g. <c>ERR_STATE_ETAG_MISMATCH</c> (<see cref="CloudRuntimesError.Code"/>).</summary>
    public string ErrorCode => Error.Code;
}

