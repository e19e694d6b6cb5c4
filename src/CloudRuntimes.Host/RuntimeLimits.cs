using CloudRuntimes.State;

namespace CloudRuntimes.Host;

/// <summary>
/// Every size, count and time limit the server applies to what reaches it, in one place: each entry point (HTTP API,
/// plugins, the metadata store, SQL through the database component) reads its limit from here. Defaults suit a sidecar;
/// the flags in brackets change them. See <c>docs/security.md</c>.
/// </summary>
public sealed record RuntimeLimits
{
    /// <summary>Largest accepted request body in bytes (<c>--max-body-size</c> in MiB; default 4 MiB, as Dapr). A larger body is 413.</summary>
    public long MaxRequestBodySize { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Most TCP connections open at once on each of the server's listeners, the HTTP API and the gRPC API
    /// (<c>--max-connections</c>; default 1,024); connections upgraded to another protocol count against the same number
    /// separately. A connection over it is closed as soon as it is accepted, without an answer (Kestrel logs a warning);
    /// the open ones are served as before. A sidecar serves one app, whose clients share a few pooled connections (gRPC multiplexes its calls over
    /// one), so 1,024 leaves ample room while each idle connection's buffers stay far from exhausting memory or
    /// descriptors.
    /// </summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>
    /// Largest answer the server builds in memory, in bytes of the keys, values, ETags and metadata it holds, counted as
    /// they are added (<c>--max-response-size</c> in MiB; default 16 MiB): bulk state get (a key asked for twice counts
    /// twice), the state query API and key listing, over HTTP and gRPC. Over it: 400 (gRPC ResourceExhausted)
    /// <see cref="CloudRuntimesErrors.ResponseTooLarge"/>, <c>ERR_RESPONSE_TOO_LARGE</c>.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Most configuration subscriptions a configuration store holds at once, HTTP subscriptions and gRPC streams together
    /// (<c>--max-config-subscriptions</c>; default 1,000). One more is 429 (gRPC ResourceExhausted)
    /// <c>ERR_CONFIGURATION_SUBSCRIBE</c> until one is unsubscribed.
    /// </summary>
    public int MaxConfigurationSubscriptions { get; init; } = 1000;

    /// <summary>
    /// How large a state query may be (HTTP <c>POST /v1.0-alpha1/state/{store}/query</c> and gRPC <c>QueryStateAlpha1</c>):
    /// 1,000 filter terms (operators and <c>IN</c> values), 16 levels of <c>AND</c>/<c>OR</c>, paths of 1,024 characters and
    /// 32 steps, 16 sort keys (<see cref="StateQueryLimits"/>). Over it: 400 (gRPC InvalidArgument) <c>ERR_MALFORMED_REQUEST</c>
    /// naming the part (an <c>OR</c> of 260,000 terms took 33 s; a sort on a path of 4 million dots, 290 s).
    /// </summary>
    public StateQueryLimits StateQuery { get; init; } = StateQueryLimits.Default;

    /// <summary>
    /// Longest a state query may run, reading the store and filtering and sorting its items
    /// (<c>--state-query-timeout</c> in seconds; default 30 s). Past it the query stops: 504 (gRPC DeadlineExceeded)
    /// <see cref="CloudRuntimesErrors.StateQueryTimeout"/>. A query also stops when its caller leaves.
    /// </summary>
    public TimeSpan StateQueryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most waiting lock acquires (<c>POST /v1.0-alpha1/lock/{store}/acquire</c> with a timeout) a lock store has at
    /// once (<c>--max-lock-waiters</c>; default 256). Each one tries the store every 250 ms at most, a write transaction
    /// of its own, so they cost the store's writer in proportion. One more is 429 <see cref="CloudRuntimesErrors.LockWaitLimit"/>
    /// (<c>ERR_TRY_LOCK</c>) until one is answered; a non-waiting lock is never refused.
    /// </summary>
    public int MaxLockWaiters { get; init; } = 256;

    /// <summary>
    /// Longest wait of a waiting lock acquire, its <c>timeoutInSeconds</c> (<c>--max-lock-wait</c> in seconds; default
    /// 300 s). A longer one is 400 <c>ERR_MALFORMED_REQUEST</c>.
    /// </summary>
    public TimeSpan MaxLockWait { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Most bytes one bulk publish may store (<c>--max-bulk-publish-size</c> in MiB; default 16 MiB), HTTP and gRPC: each
    /// entry's CloudEvents envelope (about 400 bytes besides the data), its metadata (the request's included, once per
    /// entry) and its topic, counted while the envelopes are built. Over it: 413 (gRPC ResourceExhausted)
    /// <c>ERR_PAYLOAD_TOO_LARGE</c> and nothing is published.
    /// </summary>
    public long MaxBulkPublishBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Longest topic name in characters (default 1,024), HTTP and gRPC: a publish's, a bulk publish's, a streaming
    /// subscription's and its dead-letter topic. HTTP carries the topic in its request line (8 KiB in Kestrel); over gRPC
    /// it could take a whole 4 MiB message, kept by each of <see cref="MaxStreamingSubscriptions"/> streams and listed by
    /// the metadata API. A longer name is 400 <c>ERR_MALFORMED_REQUEST</c> (gRPC InvalidArgument).
    /// </summary>
    public int MaxTopicLength { get; init; } = 1024;

    /// <summary>
    /// Most streaming subscriptions (gRPC <c>SubscribeTopicEventsAlpha1</c>) open at once, over every pub/sub and connection
    /// (<c>--max-streaming-subscriptions</c>; default 1,000). One more is gRPC ResourceExhausted <c>ERR_PUBSUB_SUBSCRIBE</c>
    /// until one is closed.
    /// </summary>
    public int MaxStreamingSubscriptions { get; init; } = 1000;

    /// <summary>
    /// Least time between two firings of a job's <c>schedule</c> (default 1 s, the granularity of cron): <c>@every 100ns</c>
    /// was accepted and fired as fast as the runner could loop. A shorter <c>@every</c> is 400 <c>ERR_JOB_INVALID</c>.
    /// </summary>
    public TimeSpan MinJobInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most jobs the scheduler holds (<c>--max-jobs</c>; default 10,000), HTTP and gRPC together; a job replacing one of
    /// its name does not count. One more is 400 <c>ERR_JOB_INVALID</c> until one is deleted or done.
    /// </summary>
    public int MaxJobs { get; init; } = 10_000;

    /// <summary>
    /// Longest job name in characters (default 1,024), HTTP and gRPC: the name is stored with the job and is the path
    /// of each firing sent to the app (<c>/job/{name}</c>), which an app's server refuses past its request line (8 KiB
    /// in Kestrel). Over gRPC a name could take a whole 4 MiB message, stored for each of <see cref="MaxJobs"/> jobs.
    /// A longer name is 400 <c>ERR_JOB_INVALID</c> (gRPC InvalidArgument).
    /// </summary>
    public int MaxJobNameLength { get; init; } = 1024;

    /// <summary>
    /// Largest job payload in bytes, as stored (the JSON of <c>data</c>; over gRPC, of the <c>Any</c>) (<c>--max-job-data-size</c>
    /// in KiB; default 256 KiB). Every firing reads it and sends it to the app, a claim reads up to 100 jobs at once, so
    /// this bounds the runner's memory. A larger payload is 400 <c>ERR_JOB_INVALID</c>.
    /// </summary>
    public int MaxJobDataBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// Largest metadata map a request carries, in characters of its keys and values (default 16,384): the request's
    /// metadata (HTTP <c>metadata.*</c> query parameters or a body's <c>metadata</c>; the <c>metadata</c> fields of gRPC
    /// requests), each item's or entry's (state items, transaction operations, bulk publish entries) and a subscription's
    /// (held while it is open); also the keys of a configuration get or subscription, together. Over it: 400 <c>ERR_MALFORMED_REQUEST</c> (gRPC InvalidArgument) naming the field, before
    /// anything is done. A gRPC message may be as large as <see cref="MaxRequestBodySize"/>: without this bound a streaming
    /// subscription or configuration subscription held 4 MiB of metadata each, up to their limits of 1,000.
    /// </summary>
    public int MaxRequestMetadataChars { get; init; } = 16 * 1024;

    /// <summary>Most entries of the app-set extended metadata (<c>PUT /v1.0/metadata/{key}</c>); default 64. One more is 400.</summary>
    public int MaxMetadataEntries { get; init; } = 64;

    /// <summary>Longest extended-metadata key in characters; default 256. A longer key is 400.</summary>
    public int MaxMetadataKeyLength { get; init; } = 256;

    /// <summary>Largest extended-metadata value in bytes; default 16 KiB. A larger value is 413.</summary>
    public int MaxMetadataValueBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// Longest a SQL statement may run (database API, plugins' <c>sql</c> import) before it is interrupted
    /// (<c>--sql-timeout</c> in seconds; default 5 s).
    /// </summary>
    public TimeSpan SqlStatementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest SQL query result, counted in bytes of its JSON while rows stream (<c>--sql-max-result</c> in MiB; default 16 MiB).</summary>
    public long SqlMaxResultBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Longest a database API transaction (<c>POST /v1.0-alpha1/database/{store}/transaction</c>) may take as a whole,
    /// from its request: waiting for the database's other writers, every statement and the commit
    /// (<c>--sql-transaction-timeout</c> in seconds; default 15 s, three statement deadlines). Its running statement is
    /// then interrupted and the transaction rolled back: 504 <c>ERR_DATABASE_TIMEOUT</c>. It holds the database's write
    /// lock all along, so without it a body of many slow statements held every other writer off for hours.
    /// </summary>
    public TimeSpan SqlTransactionTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Most statements in one database API transaction; default 10,000 (one <c>INSERT</c> may add many rows). More is
    /// 400 <c>ERR_MALFORMED_REQUEST</c>, before the transaction begins.
    /// </summary>
    public int SqlMaxTransactionStatements { get; init; } = 10_000;
}
