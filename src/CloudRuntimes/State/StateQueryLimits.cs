namespace CloudRuntimes.State;

/// <summary>
/// How large a state query may be (<see cref="StateQuery.Parse"/>): its cost grows with every term it holds and every
/// step of its paths, for every item of the store, so each is bounded. A query over a limit is refused as it is read,
/// with <see cref="CloudRuntimesErrors.MalformedRequest"/> naming the part and the limit. The defaults are far above
/// what a query written by hand or built by an app needs (Dapr sets no limit).
/// </summary>
public sealed record StateQueryLimits
{
    /// <summary>The defaults.</summary>
    public static StateQueryLimits Default { get; } = new();

    /// <summary>Most terms in a filter, counting every operator (<c>EQ</c>, ..., <c>AND</c>, <c>OR</c>) and every value of an <c>IN</c> list; default 1,000.</summary>
    public int MaxFilterTerms { get; init; } = 1000;

    /// <summary>Most levels of <c>AND</c>/<c>OR</c> nested in one another; default 16.</summary>
    public int MaxFilterDepth { get; init; } = 16;

    /// <summary>Longest path (of a filter condition or a sort key), in UTF-16 characters; default 1,024.</summary>
    public int MaxPathLength { get; init; } = 1024;

    /// <summary>Most dot-separated steps of a path; default 32.</summary>
    public int MaxPathSegments { get; init; } = 32;

    /// <summary>Most sort keys; default 16.</summary>
    public int MaxSortKeys { get; init; } = 16;
}
