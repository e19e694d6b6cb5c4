namespace CloudRuntimes.Components;

/// <summary>Disposes a set of objects in order, each the way it supports (<see cref="IAsyncDisposable"/> first, else <see cref="IDisposable"/>).</summary>
public static class AsyncDisposal
{
    /// <summary>Disposes every object of <paramref name="instances"/> that is disposable, in order; null entries and other objects are skipped.</summary>
    /// <param name="instances">The objects.</param>
    /// <returns>A task that completes when all are disposed.</returns>
    public static async ValueTask DisposeAllAsync(IEnumerable<object?> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var instance in instances)
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
