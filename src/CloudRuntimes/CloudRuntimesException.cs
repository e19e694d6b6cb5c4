namespace CloudRuntimes;

/// <summary>
/// Every failure of a building block. <see cref="ErrorCode"/> is stable and machine-readable, using Dapr's
/// error codes where one exists (<see cref="CloudRuntimesErrorCodes"/>); the runtime server maps it to Dapr's
/// HTTP status and error body <c>{"errorCode": "...", "message": "..."}</c>.
/// </summary>
public sealed class CloudRuntimesException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="errorCode">A code from <see cref="CloudRuntimesErrorCodes"/> (or a component-specific <c>ERR_*</c> code).</param>
    /// <param name="message">What failed, naming the store, key or request.</param>
    /// <param name="innerException">The back end's failure, if any.</param>
    public CloudRuntimesException(string errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The stable error code, e.g. <c>ERR_STATE_ETAG_MISMATCH</c>.</summary>
    public string ErrorCode { get; }
}

/// <summary>Stable error codes (Dapr's names where Dapr has one; see Dapr's "Error codes" reference).</summary>
public static class CloudRuntimesErrorCodes
{
    /// <summary>The request is malformed (missing key, invalid expiry, ...). HTTP 400.</summary>
    public const string MalformedRequest = "ERR_MALFORMED_REQUEST";

    /// <summary>No component of that name. HTTP 400 for state, 404 for pub/sub, 401 for secrets (as Dapr).</summary>
    public const string ComponentNotFound = "ERR_COMPONENT_NOT_FOUND";

    /// <summary>No state store of that name.</summary>
    public const string StateStoreNotFound = "ERR_STATE_STORE_NOT_FOUND";

    /// <summary>A write or delete carried an ETag that does not match the stored one (optimistic concurrency). HTTP 409.</summary>
    public const string StateETagMismatch = "ERR_STATE_ETAG_MISMATCH";

    /// <summary>An ETag that the store cannot parse. HTTP 400.</summary>
    public const string StateETagInvalid = "ERR_STATE_ETAG_INVALID";

    /// <summary>Reading state failed.</summary>
    public const string StateGet = "ERR_STATE_GET";

    /// <summary>Saving state failed.</summary>
    public const string StateSave = "ERR_STATE_SAVE";

    /// <summary>Deleting state failed.</summary>
    public const string StateDelete = "ERR_STATE_DELETE";

    /// <summary>A transaction failed and nothing of it was applied. HTTP 500.</summary>
    public const string StateTransaction = "ERR_STATE_TRANSACTION";

    /// <summary>A state query failed, or the store does not support the query API. HTTP 500.</summary>
    public const string StateQuery = "ERR_STATE_QUERY";

    /// <summary>No pub/sub component of that name. HTTP 404.</summary>
    public const string PubSubNotFound = "ERR_PUBSUB_NOT_FOUND";

    /// <summary>Publishing failed. HTTP 500.</summary>
    public const string PubSubPublish = "ERR_PUBSUB_PUBLISH_MESSAGE";

    /// <summary>The app may not publish to, or subscribe to, that topic (the component's topic scoping). HTTP 403.</summary>
    public const string PubSubForbidden = "ERR_PUBSUB_FORBIDDEN";

    /// <summary>No secret store of that name. HTTP 401 (as Dapr).</summary>
    public const string SecretStoreNotFound = "ERR_SECRET_STORE_NOT_FOUND";

    /// <summary>Reading a secret failed.</summary>
    public const string SecretGet = "ERR_SECRET_GET";

    /// <summary>No configuration store of that name. HTTP 400.</summary>
    public const string ConfigurationStoreNotFound = "ERR_CONFIGURATION_STORE_NOT_FOUND";

    /// <summary>Reading configuration failed.</summary>
    public const string ConfigurationGet = "ERR_CONFIGURATION_GET";

    /// <summary>Subscribing to configuration failed.</summary>
    public const string ConfigurationSubscribe = "ERR_CONFIGURATION_SUBSCRIBE";

    /// <summary>No lock store of that name. HTTP 400.</summary>
    public const string LockStoreNotFound = "ERR_LOCK_STORE_NOT_FOUND";

    /// <summary>Acquiring a lock failed. HTTP 500.</summary>
    public const string TryLock = "ERR_TRY_LOCK";

    /// <summary>Releasing a lock failed. HTTP 500.</summary>
    public const string Unlock = "ERR_UNLOCK";

    /// <summary>An output binding failed. HTTP 500.</summary>
    public const string InvokeOutputBinding = "ERR_INVOKE_OUTPUT_BINDING";

    /// <summary>A file path escapes the store's root or is otherwise unsafe. HTTP 400.</summary>
    public const string FilePathInvalid = "ERR_FILE_PATH_INVALID";

    /// <summary>The file does not exist. HTTP 404.</summary>
    public const string FileNotFound = "ERR_FILE_NOT_FOUND";

    /// <summary>A file operation failed. HTTP 500.</summary>
    public const string File = "ERR_FILE";

    /// <summary>A SQL statement failed; the transaction was rolled back. HTTP 500.</summary>
    public const string Database = "ERR_DATABASE";

    /// <summary>A job request is invalid (no schedule nor due time, bad cron). HTTP 400.</summary>
    public const string JobInvalid = "ERR_JOB_INVALID";

    /// <summary>No job of that name. HTTP 404.</summary>
    public const string JobNotFound = "ERR_JOB_NOT_FOUND";

    /// <summary>Service invocation failed to reach the app. HTTP 500.</summary>
    public const string DirectInvoke = "ERR_DIRECT_INVOKE";

    /// <summary>The request's <c>Host</c> is not a loopback name while the server listens on loopback (a DNS-rebinding attempt). HTTP 403.</summary>
    public const string HostNotAllowed = "ERR_HOST_NOT_ALLOWED";

    /// <summary>The request comes from a browser page of an origin the server does not allow (<c>--allowed-origins</c>). HTTP 403.</summary>
    public const string OriginNotAllowed = "ERR_ORIGIN_NOT_ALLOWED";

    /// <summary>A request body or value is larger than the server's limit for it. HTTP 413.</summary>
    public const string PayloadTooLarge = "ERR_PAYLOAD_TOO_LARGE";

    /// <summary>The component does not support the operation (e.g. transactions). HTTP 500.</summary>
    public const string NotSupported = "ERR_NOT_SUPPORTED";
}
