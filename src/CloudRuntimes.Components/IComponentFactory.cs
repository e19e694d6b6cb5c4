using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components;

/// <summary>
/// Creates the components of one component type (e.g. <c>state.sqlite</c>) for one building block
/// (<typeparamref name="TComponent"/>: an interface of the contracts such as <see cref="CloudRuntimes.State.IStateStore"/>). Register it
/// with <see cref="Composition.CloudRuntimesBuilder.AddFactory{TComponent}"/>; see <c>docs/components.md</c>,
/// "Writing a component".
/// </summary>
/// <typeparam name="TComponent">The building-block interface the components implement.</typeparam>
public interface IComponentFactory<TComponent>
    where TComponent : class
{
    /// <summary>The component type this factory creates, as component files name it (<c>spec.type</c>), e.g. <c>state.sqlite</c>.</summary>
    string Type { get; }

    /// <summary>Capabilities the metadata API reports for a component of this type (e.g. <c>ETAG</c>, <c>TRANSACTIONAL</c>, <c>TTL</c>); none by default.</summary>
    /// <param name="definition">The component definition.</param>
    /// <returns>The capabilities.</returns>
    IReadOnlyList<string> Capabilities(ComponentDefinition definition) => [];

    /// <summary>Creates a component: opens files, connects to servers, loads what it serves.</summary>
    /// <param name="definition">The component definition, with secret references resolved.</param>
    /// <param name="context">App id, data directory and logging.</param>
    /// <param name="cancellationToken">Cancels the creation (the runtime is stopping).</param>
    /// <returns>The component; it is disposed with the others (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) when it holds resources.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: missing or bad metadata, or the back end cannot be opened (the message names the component).</exception>
    ValueTask<TComponent> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken);
}

/// <summary>What a component factory gets besides the definition.</summary>
/// <param name="AppId">The application id (Dapr <c>--app-id</c>); used as the default consumer group and key prefix.</param>
/// <param name="DataDirectory">Where embedded back ends keep their files (default <c>./.cloud-runtimes</c>).</param>
/// <param name="LoggerFactory">Logging.</param>
public sealed record ComponentContext(string AppId, string DataDirectory, ILoggerFactory LoggerFactory);
