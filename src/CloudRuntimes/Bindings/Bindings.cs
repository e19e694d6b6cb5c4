namespace CloudRuntimes.Bindings;

/// <summary>An output binding (Dapr <c>POST /v1.0/bindings/{name}</c>): invokes an operation on an outside system.</summary>
public interface IOutputBinding
{
    /// <summary>The operations this binding supports (e.g. <c>create</c>, <c>get</c>, <c>delete</c>, <c>list</c>).</summary>
    IReadOnlyList<string> Operations { get; }

    /// <summary>Invokes an operation.</summary>
    /// <param name="request">Operation, data and metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response data (null for none) and metadata.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.InvokeOutputBinding"/>, or <see cref="CloudRuntimesErrors.NotSupported"/> for an unknown operation.</exception>
    Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken = default);
}

/// <summary>An input binding: delivers events from an outside system (a schedule, a queue, ...).</summary>
public interface IInputBinding
{
    /// <summary>Starts delivering events to <paramref name="handler"/> until the returned handle is disposed.</summary>
    /// <param name="handler">Called once per event.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>Dispose to stop.</returns>
    Task<IAsyncDisposable> ReadAsync(BindingEventCallback handler, CancellationToken cancellationToken = default);
}

/// <summary>Receives input binding events.</summary>
/// <param name="bindingEvent">The event.</param>
/// <param name="cancellationToken">Signalled when reading stops.</param>
/// <returns>A task that completes when handled.</returns>
public delegate Task BindingEventCallback(BindingEvent bindingEvent, CancellationToken cancellationToken);

/// <summary>An output binding request (Dapr body <c>{"data", "metadata", "operation"}</c>).</summary>
/// <param name="Operation">The operation name.</param>
/// <param name="Data">Request payload.</param>
/// <param name="Metadata">Operation metadata (e.g. <c>fileName</c>, <c>path</c>).</param>
public sealed record BindingRequest(string Operation, ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>An output binding result.</summary>
/// <param name="Data">Response payload, or null.</param>
/// <param name="Metadata">Response metadata.</param>
public sealed record BindingResponse(ReadOnlyMemory<byte>? Data, IReadOnlyDictionary<string, string> Metadata);

/// <summary>An input binding event.</summary>
/// <param name="Data">Event payload.</param>
/// <param name="Metadata">Event metadata.</param>
public sealed record BindingEvent(ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata);
