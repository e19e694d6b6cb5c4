namespace CloudRuntimes;

/// <summary>
/// One kind of failure: the stable code of Dapr's error body (<c>errorCode</c>), the HTTP status the runtime server
/// answers with, and the gRPC status of the same failure over Dapr's gRPC API, with the reason of the
/// <c>google.rpc.ErrorInfo</c> detail (domain <c>dapr.io</c>) sent beside it. Several entries may share a code where Dapr
/// answers one code with different statuses (<c>ERR_DIRECT_INVOKE</c> is 400, 404 or 500).
/// </summary>
/// <param name="Code">The error code, e.g. <c>ERR_STATE_ETAG_MISMATCH</c>.</param>
/// <param name="HttpStatus">The HTTP status code, e.g. 409.</param>
/// <param name="GrpcStatus">The gRPC status code number (<c>google.rpc.Code</c>: 3 InvalidArgument, 5 NotFound, 7 PermissionDenied, 9 FailedPrecondition, 10 Aborted, 13 Internal, ...).</param>
/// <param name="Reason">
/// The <c>ErrorInfo</c> reason Dapr sends over gRPC where it differs from <paramref name="Code"/> (Dapr's rich errors,
/// e.g. <c>DAPR_STATE_NOT_FOUND</c>); null when it is the code itself (<see cref="ErrorInfoReason"/>).
/// </param>
public sealed record CloudRuntimesError(string Code, int HttpStatus, int GrpcStatus, string? Reason = null)
{
    /// <summary>The reason of the <c>google.rpc.ErrorInfo</c> detail of a gRPC error: <see cref="Reason"/>, else <see cref="Code"/>.</summary>
    public string ErrorInfoReason => Reason ?? Code;

    /// <summary>The catalogue entry for a code read off the wire (e.g. from a Dapr sidecar's error body), or a new entry with the status given.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="httpStatus">The HTTP status the code came with.</param>
    /// <returns>The entry.</returns>
    public static CloudRuntimesError FromWire(string code, int httpStatus)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return CloudRuntimesErrors.All.FirstOrDefault(e => e.Code == code && e.HttpStatus == httpStatus)
            ?? CloudRuntimesErrors.All.FirstOrDefault(e => e.Code == code)
            ?? new CloudRuntimesError(code, httpStatus, httpStatus >= 500 ? 13 : 2);
    }

    /// <summary>
    /// The catalogue entry for a gRPC error read off the wire: by its <c>ErrorInfo</c> reason and status, else by the
    /// reason alone, else a new entry (code = the reason, or <c>ERR_GRPC_{status}</c> without one; HTTP 500).
    /// </summary>
    /// <param name="reason">The <c>ErrorInfo</c> reason; null when the error had none.</param>
    /// <param name="grpcStatus">The gRPC status code number.</param>
    /// <returns>The entry.</returns>
    public static CloudRuntimesError FromGrpc(string? reason, int grpcStatus)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return new CloudRuntimesError($"ERR_GRPC_{grpcStatus}", 500, grpcStatus);
        }
        return CloudRuntimesErrors.All.FirstOrDefault(e => e.ErrorInfoReason == reason && e.GrpcStatus == grpcStatus)
            ?? CloudRuntimesErrors.All.FirstOrDefault(e => e.ErrorInfoReason == reason)
            ?? new CloudRuntimesError(reason, 500, grpcStatus);
    }
}

/// <summary>
/// The error catalogue: every failure the building blocks and the runtime server report, each with its code and its
/// HTTP and gRPC statuses (Dapr's names and statuses where Dapr has the failure; see Dapr's "Error codes" reference).
/// Every endpoint of every transport answers from this table.
/// </summary>
public static class CloudRuntimesErrors
{
    /// <summary>The request is malformed (missing key, invalid expiry, bad JSON...). HTTP 400.</summary>
    public static readonly CloudRuntimesError MalformedRequest = new("ERR_MALFORMED_REQUEST", 400, Grpc.InvalidArgument);

    /// <summary>A component definition or resource file is invalid (start-up). HTTP 400.</summary>
    public static readonly CloudRuntimesError ResourceInvalid = new("ERR_RESOURCE_INVALID", 400, Grpc.InvalidArgument);

    /// <summary>No component of that name for the building block (output binding, file store, database, job scheduler). HTTP 404.</summary>
    public static readonly CloudRuntimesError ComponentNotFound = new("ERR_COMPONENT_NOT_FOUND", 404, Grpc.InvalidArgument);

    /// <summary>The component does not support the operation (e.g. transactions). HTTP 500.</summary>
    public static readonly CloudRuntimesError NotSupported = new("ERR_NOT_SUPPORTED", 500, Grpc.Unimplemented);

    /// <summary>Something unexpected failed inside the runtime. HTTP 500.</summary>
    public static readonly CloudRuntimesError Internal = new("ERR_INTERNAL", 500, Grpc.Internal);

    /// <summary>A request body or value is larger than the server's limit for it. HTTP 413.</summary>
    public static readonly CloudRuntimesError PayloadTooLarge = new("ERR_PAYLOAD_TOO_LARGE", 413, Grpc.ResourceExhausted);

    /// <summary>The request's <c>Host</c> is not a loopback name while the server listens on loopback (DNS rebinding). HTTP 403.</summary>
    public static readonly CloudRuntimesError HostNotAllowed = new("ERR_HOST_NOT_ALLOWED", 403, Grpc.PermissionDenied);

    /// <summary>The request comes from a browser page of an origin the server does not allow (<c>--allowed-origins</c>). HTTP 403.</summary>
    public static readonly CloudRuntimesError OriginNotAllowed = new("ERR_ORIGIN_NOT_ALLOWED", 403, Grpc.PermissionDenied);

    /// <summary>No plugin's <c>authenticate</c> accepted the request (<c>--plugin-auth</c>). HTTP 401 unless the plugin chain answered another status.</summary>
    public static readonly CloudRuntimesError Unauthorized = new("ERR_UNAUTHORIZED", 401, Grpc.Unauthenticated);

    /// <summary>The runtime is not ready yet (the app channel is not open). HTTP 500, gRPC Internal (as Dapr).</summary>
    public static readonly CloudRuntimesError HealthNotReady = new("ERR_HEALTH_NOT_READY", 500, Grpc.Internal);

    /// <summary><c>healthz?appid=</c> names another app id than this runtime's. HTTP 500.</summary>
    public static readonly CloudRuntimesError HealthAppIdMismatch = new("ERR_HEALTH_APPID_NOT_MATCH", 500, Grpc.Internal);

    /// <summary>The operation needs the app channel, which is not configured (no <c>--app-port</c>). HTTP 500.</summary>
    public static readonly CloudRuntimesError AppChannelNil = new("ERR_APP_CHANNEL_NIL", 500, Grpc.Internal);

    /// <summary>No state store of that name. HTTP 400 (as Dapr).</summary>
    public static readonly CloudRuntimesError StateStoreNotFound = new("ERR_STATE_STORE_NOT_FOUND", 400, Grpc.InvalidArgument, "DAPR_STATE_NOT_FOUND");

    /// <summary>A write or delete carried an ETag that does not match the stored one (optimistic concurrency). HTTP 409.</summary>
    public static readonly CloudRuntimesError StateETagMismatch = new("ERR_STATE_ETAG_MISMATCH", 409, Grpc.Aborted);

    /// <summary>A state key that is empty or contains <c>||</c>. HTTP 400; over gRPC InvalidArgument with reason <c>DAPR_STATE_ILLEGAL_KEY</c> (as Dapr).</summary>
    public static readonly CloudRuntimesError StateKeyInvalid = new("ERR_MALFORMED_REQUEST", 400, Grpc.InvalidArgument, "DAPR_STATE_ILLEGAL_KEY");

    /// <summary>An ETag that the store cannot parse. HTTP 400.</summary>
    public static readonly CloudRuntimesError StateETagInvalid = new("ERR_STATE_ETAG_INVALID", 400, Grpc.InvalidArgument);

    /// <summary>Reading state failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError StateGet = new("ERR_STATE_GET", 500, Grpc.Internal);

    /// <summary>Saving state failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError StateSave = new("ERR_STATE_SAVE", 500, Grpc.Internal);

    /// <summary>Saving state failed on an ETag mismatch (as Dapr's HTTP API answers it). HTTP 409.</summary>
    public static readonly CloudRuntimesError StateSaveConflict = new("ERR_STATE_SAVE", 409, Grpc.Aborted);

    /// <summary>Deleting state failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError StateDelete = new("ERR_STATE_DELETE", 500, Grpc.Internal);

    /// <summary>Deleting state failed on an ETag mismatch (as Dapr's HTTP API answers it). HTTP 409.</summary>
    public static readonly CloudRuntimesError StateDeleteConflict = new("ERR_STATE_DELETE", 409, Grpc.Aborted);

    /// <summary>A bulk delete (gRPC <c>DeleteBulkState</c>) met an ETag mismatch; the other keys are deleted. gRPC Aborted (as Dapr), HTTP 409.</summary>
    public static readonly CloudRuntimesError StateBulkDeleteConflict = new("ERR_STATE_BULK_DELETE", 409, Grpc.Aborted);

    /// <summary>A transaction failed and nothing of it was applied. HTTP 500.</summary>
    public static readonly CloudRuntimesError StateTransaction = new("ERR_STATE_TRANSACTION", 500, Grpc.Internal);

    /// <summary>A transaction names an operation other than upsert or delete. HTTP 400; gRPC Unimplemented (as Dapr's gRPC API).</summary>
    public static readonly CloudRuntimesError StateOperationNotSupported = new("ERR_NOT_SUPPORTED_STATE_OPERATION", 400, Grpc.Unimplemented);

    /// <summary>A state query failed, or the store does not support the query API. HTTP 500.</summary>
    public static readonly CloudRuntimesError StateQuery = new("ERR_STATE_QUERY", 500, Grpc.Internal, "DAPR_STATE_QUERY_FAILED");

    /// <summary>A state query ran past its deadline (<c>--state-query-timeout</c>) and was stopped. HTTP 504; gRPC DeadlineExceeded.</summary>
    public static readonly CloudRuntimesError StateQueryTimeout = new("ERR_STATE_QUERY", 504, Grpc.DeadlineExceeded, "DAPR_STATE_QUERY_FAILED");

    /// <summary>No pub/sub component of that name. HTTP 404.</summary>
    public static readonly CloudRuntimesError PubSubNotFound = new("ERR_PUBSUB_NOT_FOUND", 404, Grpc.InvalidArgument, "DAPR_PUBSUB_NOT_FOUND");

    /// <summary>The topic of a publish is empty. HTTP 404.</summary>
    public static readonly CloudRuntimesError TopicNameEmpty = new("ERR_TOPIC_NAME_EMPTY", 404, Grpc.InvalidArgument, "DAPR_PUBSUB_TOPIC_NAME_EMPTY");

    /// <summary>Publishing failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError PubSubPublish = new("ERR_PUBSUB_PUBLISH_MESSAGE", 500, Grpc.Internal, "DAPR_PUBSUB_PUBLISH_MESSAGE");

    /// <summary>The app may not publish to, or subscribe to, that topic (the component's topic scoping). HTTP 403.</summary>
    public static readonly CloudRuntimesError PubSubForbidden = new("ERR_PUBSUB_FORBIDDEN", 403, Grpc.PermissionDenied, "DAPR_PUBSUB_FORBIDDEN");

    /// <summary>The runtime holds its most streaming subscriptions (<c>--max-streaming-subscriptions</c>) until one is closed. HTTP 429; gRPC ResourceExhausted.</summary>
    public static readonly CloudRuntimesError StreamingSubscriptionLimit = new("ERR_PUBSUB_SUBSCRIBE", 429, Grpc.ResourceExhausted);

    /// <summary>No secret store of that name. HTTP 401 (as Dapr).</summary>
    public static readonly CloudRuntimesError SecretStoreNotFound = new("ERR_SECRET_STORE_NOT_FOUND", 401, Grpc.InvalidArgument);

    /// <summary>Reading a secret failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError SecretGet = new("ERR_SECRET_GET", 500, Grpc.Internal);

    /// <summary>No configuration store of that name. HTTP 400.</summary>
    public static readonly CloudRuntimesError ConfigurationStoreNotFound = new("ERR_CONFIGURATION_STORE_NOT_FOUND", 400, Grpc.InvalidArgument);

    /// <summary>Reading configuration failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError ConfigurationGet = new("ERR_CONFIGURATION_GET", 500, Grpc.Internal);

    /// <summary>Subscribing to configuration failed. HTTP 500; gRPC InvalidArgument (as Dapr).</summary>
    public static readonly CloudRuntimesError ConfigurationSubscribe = new("ERR_CONFIGURATION_SUBSCRIBE", 500, Grpc.InvalidArgument);

    /// <summary>The configuration store holds its most subscriptions (<c>--max-config-subscriptions</c>) until one is unsubscribed. HTTP 429; gRPC ResourceExhausted.</summary>
    public static readonly CloudRuntimesError ConfigurationSubscriptionLimit = new("ERR_CONFIGURATION_SUBSCRIBE", 429, Grpc.ResourceExhausted);

    /// <summary>No lock store of that name. HTTP 400.</summary>
    public static readonly CloudRuntimesError LockStoreNotFound = new("ERR_LOCK_STORE_NOT_FOUND", 400, Grpc.InvalidArgument);

    /// <summary>Acquiring a lock failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError TryLock = new("ERR_TRY_LOCK", 500, Grpc.Internal);

    /// <summary>A lock store has its most waiting acquires (<c>--max-lock-waiters</c>) until one is answered. HTTP 429; gRPC ResourceExhausted.</summary>
    public static readonly CloudRuntimesError LockWaitLimit = new("ERR_TRY_LOCK", 429, Grpc.ResourceExhausted);

    /// <summary>Releasing a lock failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError Unlock = new("ERR_UNLOCK", 500, Grpc.Internal);

    /// <summary>An output binding failed (an unknown binding or operation included, as Dapr). HTTP 500.</summary>
    public static readonly CloudRuntimesError InvokeOutputBinding = new("ERR_INVOKE_OUTPUT_BINDING", 500, Grpc.Internal);

    /// <summary>A file path escapes the store's root or is otherwise unsafe. HTTP 400.</summary>
    public static readonly CloudRuntimesError FilePathInvalid = new("ERR_FILE_PATH_INVALID", 400, Grpc.InvalidArgument);

    /// <summary>The file does not exist. HTTP 404.</summary>
    public static readonly CloudRuntimesError FileNotFound = new("ERR_FILE_NOT_FOUND", 404, Grpc.NotFound);

    /// <summary>A file name collides with what the store holds: a folder in its place, or a file where the name needs a folder (<c>a.txt/b.txt</c> under the file <c>a.txt</c>). HTTP 409; gRPC FailedPrecondition.</summary>
    public static readonly CloudRuntimesError FileConflict = new("ERR_FILE_CONFLICT", 409, Grpc.FailedPrecondition);

    /// <summary>A file operation failed. HTTP 500.</summary>
    public static readonly CloudRuntimesError File = new("ERR_FILE", 500, Grpc.Internal);

    /// <summary>A SQL statement failed (a transaction it was part of is rolled back). HTTP 500.</summary>
    public static readonly CloudRuntimesError Database = new("ERR_DATABASE", 500, Grpc.Internal);

    /// <summary>A SQL statement does something no caller may do (attach files, load extensions, change the connection, touch protected tables). HTTP 403.</summary>
    public static readonly CloudRuntimesError DatabaseForbidden = new("ERR_DATABASE_FORBIDDEN", 403, Grpc.PermissionDenied);

    /// <summary>A SQL statement ran past its deadline and was interrupted. HTTP 504.</summary>
    public static readonly CloudRuntimesError DatabaseTimeout = new("ERR_DATABASE_TIMEOUT", 504, Grpc.DeadlineExceeded);

    /// <summary>A query's result grew past the result size limit and was stopped. HTTP 500.</summary>
    public static readonly CloudRuntimesError DatabaseResultTooLarge = new("ERR_DATABASE_RESULT_TOO_LARGE", 500, Grpc.ResourceExhausted);

    /// <summary>A job request is invalid (no schedule nor due time, bad cron, out of range). HTTP 400.</summary>
    public static readonly CloudRuntimesError JobInvalid = new("ERR_JOB_INVALID", 400, Grpc.InvalidArgument, "DAPR_SCHEDULER_SCHEDULE_JOB");

    /// <summary>No job of that name. HTTP 404; gRPC Internal with reason <c>DAPR_SCHEDULER_GET_JOB</c> (Dapr's gRPC API reports a missing job so).</summary>
    public static readonly CloudRuntimesError JobNotFound = new("ERR_JOB_NOT_FOUND", 404, Grpc.Internal, "DAPR_SCHEDULER_GET_JOB");

    /// <summary>Service invocation failed to reach the target. HTTP 500.</summary>
    public static readonly CloudRuntimesError DirectInvoke = new("ERR_DIRECT_INVOKE", 500, Grpc.Internal);

    /// <summary>Service invocation without a method name. HTTP 400.</summary>
    public static readonly CloudRuntimesError DirectInvokeNoMethod = new("ERR_DIRECT_INVOKE", 400, Grpc.InvalidArgument);

    /// <summary>Service invocation of an app id the runtime cannot reach (no app channel, no endpoint). HTTP 404.</summary>
    public static readonly CloudRuntimesError DirectInvokeUnknownApp = new("ERR_DIRECT_INVOKE", 404, Grpc.NotFound);

    /// <summary>Service invocation of a non-Dapr endpoint that is the runtime's own HTTP or gRPC address (an invocation loop). HTTP 400.</summary>
    public static readonly CloudRuntimesError DirectInvokeSelf = new("ERR_DIRECT_INVOKE", 400, Grpc.InvalidArgument);

    /// <summary>
    /// The answer the runtime would build in memory (bulk get, state query, key listing) passes its limit
    /// (<c>--max-response-size</c>): the request asks for too much at once. HTTP 400; gRPC ResourceExhausted.
    /// </summary>
    public static readonly CloudRuntimesError ResponseTooLarge = new("ERR_RESPONSE_TOO_LARGE", 400, Grpc.ResourceExhausted);

    /// <summary>The runtime at the client's endpoint cannot be reached (client side). HTTP 503.</summary>
    public static readonly CloudRuntimesError RuntimeUnavailable = new("ERR_RUNTIME_UNAVAILABLE", 503, Grpc.Unavailable);

    /// <summary>Every entry, for lookups by code.</summary>
    public static IReadOnlyList<CloudRuntimesError> All { get; } =
    [
        MalformedRequest, ResourceInvalid, ComponentNotFound, NotSupported, Internal, PayloadTooLarge, HostNotAllowed, OriginNotAllowed,
        Unauthorized, HealthNotReady, HealthAppIdMismatch, AppChannelNil, StateStoreNotFound, StateETagMismatch, StateKeyInvalid, StateETagInvalid, StateGet,
        StateSave, StateSaveConflict, StateDelete, StateDeleteConflict, StateBulkDeleteConflict, StateTransaction, StateOperationNotSupported, StateQuery, StateQueryTimeout,
        PubSubNotFound, TopicNameEmpty, PubSubPublish, PubSubForbidden, StreamingSubscriptionLimit, SecretStoreNotFound, SecretGet, ConfigurationStoreNotFound,
        ConfigurationGet, ConfigurationSubscribe, ConfigurationSubscriptionLimit, LockStoreNotFound, TryLock, LockWaitLimit, Unlock, InvokeOutputBinding, FilePathInvalid, FileNotFound,
        FileConflict, File, Database, DatabaseForbidden, DatabaseTimeout, DatabaseResultTooLarge, JobInvalid, JobNotFound, DirectInvoke,
        DirectInvokeNoMethod, DirectInvokeUnknownApp, DirectInvokeSelf, ResponseTooLarge, RuntimeUnavailable,
    ];

    /// <summary>gRPC status code numbers (<c>google.rpc.Code</c>).</summary>
    private static class Grpc
    {
        public const int InvalidArgument = 3;
        public const int DeadlineExceeded = 4;
        public const int NotFound = 5;
        public const int PermissionDenied = 7;
        public const int ResourceExhausted = 8;
        public const int FailedPrecondition = 9;
        public const int Aborted = 10;
        public const int Unimplemented = 12;
        public const int Internal = 13;
        public const int Unavailable = 14;
        public const int Unauthenticated = 16;
    }
}
