namespace CloudRuntimes.Tests.Conformance;

/// <summary>Polling helpers for asynchronous effects (delivery, expiry) with a bounded wait.</summary>
internal static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds, failing the test after <paramref name="timeout"/>.</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => HoldsAsync(condition, timeout, () => what);

    /// <summary>Polls until <paramref name="condition"/> holds; <paramref name="what"/> describes the state on failure.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for: {what()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, () => what);

    /// <summary>Polls until <paramref name="condition"/> holds; <paramref name="what"/> describes the state on failure.</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);
}
