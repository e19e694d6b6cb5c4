namespace CloudRuntimes.Host.Api;

/// <summary>
/// What a caller is told about a failure the server did not anticipate, for the HTTP and the gRPC API alike: never the
/// .NET exception's text (it may hold host paths, SQL, a library's internals), but a fixed message with the request's
/// correlation id (<see cref="HttpContext.TraceIdentifier"/>); the full exception goes to the log under that id.
/// </summary>
internal static class FailureReport
{
    /// <summary>
    /// Logs <paramref name="exception"/> (an error, with its stack trace) under the request's id and returns the message
    /// the caller gets: <c>internal error (id ID); the server log has the details</c>.
    /// </summary>
    /// <param name="logger">The log to write to.</param>
    /// <param name="exception">What was thrown.</param>
    /// <param name="request">The failed request (gRPC calls: their HTTP/2 request).</param>
    /// <param name="operation">What failed, for the log line: a method and path, or a gRPC method.</param>
    public static string Unexpected(ILogger logger, Exception exception, HttpContext request, string operation)
    {
        var id = request.TraceIdentifier;
        logger.LogError(exception, "{Operation} failed (id {Id})", operation, id);
        return $"internal error (id {id}); the server log has the details";
    }

    /// <summary>
    /// The message for a <see cref="CloudRuntimesException"/>: its own text, written by the component; when it is a
    /// server-side failure (HTTP status 500 or more) caused by a back end's exception (SQLite, a file, Redis,
    /// PostgreSQL), that cause is logged (a warning, with its stack trace) under the request's id and the id is appended:
    /// <c>MESSAGE (id ID)</c>. Failures of the request (4xx) are the caller's to read and are not logged, nor are
    /// deadlines (504: a statement, transaction or query that ran out of time), which their message describes whole.
    /// </summary>
    /// <param name="logger">The log to write to.</param>
    /// <param name="error">What was thrown.</param>
    /// <param name="request">The failed request.</param>
    /// <param name="operation">What failed, for the log line.</param>
    public static string Of(ILogger logger, CloudRuntimesException error, HttpContext request, string operation)
    {
        if (error.Error.HttpStatus is < StatusCodes.Status500InternalServerError or StatusCodes.Status504GatewayTimeout || BackEndCause(error) is not { } cause)
        {
            return error.Message;
        }
        var id = request.TraceIdentifier;
        logger.LogWarning(cause, "{Operation} failed (id {Id}): {Message}", operation, id, error.Message);
        return $"{error.Message} (id {id})";
    }

    private static Exception? BackEndCause(CloudRuntimesException error)
    {
        Exception? cause = error.InnerException;
        while (cause is CloudRuntimesException wrapped)
        {
            cause = wrapped.InnerException;
        }
        return cause;
    }
}
