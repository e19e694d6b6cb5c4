namespace CloudRuntimes.Host.Blocks;

/// <summary>
/// The bytes an answer built in memory may take (<see cref="RuntimeLimits.MaxResponseBytes"/>), counted as its parts are
/// added (keys, values, ETags, metadata: their UTF-8 or stored bytes, not the JSON or protobuf around them), so an answer
/// over the limit is refused before the rest is read.
/// </summary>
/// <param name="limit">Most bytes, from <see cref="RuntimeLimits.MaxResponseBytes"/>.</param>
/// <param name="hint">What the caller can do instead, the end of the error message (e.g. <c>ask for fewer keys</c>).</param>
internal sealed class ResponseBudget(long limit, string hint)
{
    private long _used;

    /// <summary>Counts <paramref name="bytes"/> more.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResponseTooLarge"/> once the total passes the limit.</exception>
    public void Add(long bytes)
    {
        _used += bytes;
        if (_used > limit)
        {
            throw Exceeded();
        }
    }

    /// <summary>The error of an answer over the limit, for a part that a component counted (e.g. <see cref="CloudRuntimes.State.GetStateOptions.MaxValueBytes"/>).</summary>
    public CloudRuntimesException Exceeded()
    {
        var size = limit % (1024 * 1024) == 0 ? $"{limit / (1024 * 1024)} MiB" : $"{limit} bytes";
        return new CloudRuntimesException(CloudRuntimesErrors.ResponseTooLarge, $"the answer would exceed {size} (--max-response-size); {hint}");
    }

    /// <summary>Counts a string's UTF-8 bytes (nothing for null).</summary>
    public void Add(string? text) => Add(text is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(text));
}
